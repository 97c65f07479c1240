// The vanilla-engine baseline: oidc-provider with its default in-memory adapter and one
// client_credentials client, mounted the way its documentation shows. PORT and CLIENT_SECRET.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'bench-admin',
      client_secret: process.env.CLIENT_SECRET!,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'admin',
    },
  ],
  scopes: ['openid', 'admin'],
  features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
  ttl: { ClientCredentials: 600 },
});
provider.listen(port, () => process.stdout.write('listening\n'));
