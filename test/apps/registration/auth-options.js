/**
 * The options of the app's one instance, for an app served at `origin`: the page passes them to
 * createMcpAuth(), the build step to clientMetadataDocument(), so the two never disagree. The
 * page is its own redirect URI.
 * @param {string} origin
 */
export function authOptions(origin) {
  return {
    redirectUri: `${origin}/`,
    client: {
      name: 'Registration test app',
      uri: origin,
      metadataUrl: `${origin}/oauth/client.json`,
    },
  }
}
