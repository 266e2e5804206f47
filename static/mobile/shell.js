// Hook points of the app shell, for screens that live in their own module (the review queue,
// a shopper's assignments, ...). A screen is a <section id="screen-NAME" class="screen"> in the page
// (a partial included by templates/mobile/app.html) and a module that registers it:
//
//   import { registerScreen, onHome } from "./shell.js";
//   registerScreen("assignments", {
//     open(param, context) { ... },   // route #/assignments[/param]; context = {me, navigate}
//     close() { ... },                 // optional: leaving the screen
//     allowed(me) { return true; },    // optional: who may open it (default: anyone logged in)
//   });
//   onHome((context) => { ... });      // each time the home screen is drawn (e.g. a card in #home-extra)
//
// and is imported once by app.js. context.me is null until the server confirmed who is logged in.
const screens = new Map();
const homeHooks = [];

export function registerScreen(name, screen) {
  screens.set(name, screen);
}

export function screen(name) {
  return screens.get(name) || null;
}

export function onHome(hook) {
  homeHooks.push(hook);
}

export function homeHooksRun(context) {
  for (const hook of homeHooks) {
    try {
      hook(context);
    } catch (error) {
      console.error(error);
    }
  }
}

export function navigate(hash) {
  location.hash = hash;
}
