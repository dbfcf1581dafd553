// A real OpenID provider (npm's oidc-provider) for MyPhoto's single sign-on tests.
//
//   OIDC_PORT=9000 OIDC_REDIRECT_URIS=http://127.0.0.1:8000/oidc/callback/ node provider.mjs
//
// Prints "ready <issuer>" once it listens. Its people sign in on the provider's own
// development pages (any password). It can also misbehave on purpose, as a provider that
// is broken or not the one MyPhoto trusts would: `POST /__tamper {"iss": ..., "nonce": ...}`
// re-signs the next ID token it hands out with those claims changed (with its real key,
// so only the claim itself can give it away).
import http from "node:http";
import crypto from "node:crypto";
import { exportJWK, generateKeyPair, decodeJwt, SignJWT } from "jose";
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT || 9000);
const issuer = `http://127.0.0.1:${port}`;
const redirectUris = (process.env.OIDC_REDIRECT_URIS || "").split(",").filter(Boolean);

// Who can sign in here: the claims the provider tells MyPhoto about each of them.
const people = {
  grandma: { email: "Grandma@Example.com", email_verified: true, name: "Grandma" },
  newcomer: { email: "newcomer@example.com", email_verified: true, name: "Newcomer" },
  cousin: { email: "cousin@example.com", email_verified: true, name: "Cousin" },
  nomail: { name: "No Mail" },
  unverified: { email: "unverified@example.com", email_verified: false, name: "Unverified" },
};

const { privateKey } = await generateKeyPair("RS256", { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "myphoto",
      client_secret: "a-test-secret-that-is-long-enough",
      redirect_uris: redirectUris,
      post_logout_redirect_uris: redirectUris.map((uri) => uri.replace("/oidc/callback/", "/accounts/login/")),
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  jwks: { keys: [signingKey] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "preferred_username"],
  },
  async findAccount(ctx, id) {
    if (!(id in people)) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, ...people[id] };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
  cookies: { keys: [crypto.randomBytes(32).toString("hex")] },
});
provider.proxy = false;

let tamper = null;

async function tampered(answer) {
  const claims = { ...decodeJwt(answer.id_token), ...tamper };
  answer.id_token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: signingKey.kid })
    .sign(privateKey);
  return answer;
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === "/token" && ctx.status === 200 && tamper) {
    const changes = tamper;
    ctx.body = await tampered({ ...ctx.body });
    tamper = null;
    console.log("tampered", JSON.stringify(changes));
  }
});

const serve = provider.callback();
http
  .createServer((req, res) => {
    if (req.method === "POST" && req.url === "/__tamper") {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        tamper = JSON.parse(body || "null");
        res.writeHead(204).end();
      });
      return;
    }
    serve(req, res);
  })
  .listen(port, "127.0.0.1", () => console.log(`ready ${issuer}`));
