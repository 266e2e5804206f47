"""The site's own pages: home, start page, navigation, log-in view, health, and the middleware."""
