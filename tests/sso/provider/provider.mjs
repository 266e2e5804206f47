// A real OpenID provider for the single sign-on tests: panva's oidc-provider (certified by the
// OpenID Foundation), on 127.0.0.1, with its development log-in and consent pages.
//
// Environment:
//   PORT           the port to listen on (127.0.0.1 only)
//   CLIENTS        JSON list of clients: [{client_id, client_secret, redirect_uris}]
//   JWKS           JSON key set (with private parts) the provider signs ID tokens with
//   ACCOUNTS_FILE  JSON file {login: {email, email_verified, name, groups}}, read at every
//                  claims request, so that a test can change a person's groups between log-ins
// Prints "listening <issuer>" once it accepts connections.
import fs from "node:fs";
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.CLIENTS).map((client) => ({
  grant_types: ["authorization_code"],
  response_types: ["code"],
  token_endpoint_auth_method: "client_secret_post",
  ...client,
}));

function account(login) {
  const accounts = JSON.parse(fs.readFileSync(process.env.ACCOUNTS_FILE, "utf8"));
  return accounts[login];
}

const provider = new Provider(issuer, {
  clients,
  jwks: JSON.parse(process.env.JWKS),
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name", "preferred_username"],
    groups: ["groups"],
  },
  async findAccount(ctx, id) {
    if (!account(id)) return undefined;
    return {
      accountId: id,
      async claims() {
        const person = account(id) || {};
        return { sub: id, preferred_username: id, ...person };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
  ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
});
// Plain http on loopback: the development interactions' cookies must not be "secure".
provider.proxy = false;

provider.listen(port, "127.0.0.1", () => {
  console.log(`listening ${issuer}`);
});
