package provider

import (
	"golang.org/x/oauth2/endpoints"
)

// Preset is a provider Latchkey knows how to talk to, as data: what a
// person picks in the window (or names with `preset = "…"`) instead of
// copying endpoints from the provider's documentation. Endpoints may hold
// placeholders such as {tenant} or {base_url}, filled from Params.
// OAuth 2.0 endpoints come from golang.org/x/oauth2/endpoints where it has
// them; OpenID Connect presets name only their issuer (the rest comes from
// discovery).
type Preset struct {
	ID       string // what `preset = "…"` names
	Name     string // as people know the provider
	Protocol Protocol
	// Note is what a person must know before registering an app there,
	// in a sentence or two.
	Note     string
	Docs     string // the provider's OAuth documentation
	Register string // the page where a person registers an app
	// Params are the placeholders the endpoints use, e.g. {tenant}.
	Params []PresetParam

	Issuer                 string
	AuthorizeURL           string
	AccessTokenURL         string
	RequestTokenURL        string
	UserinfoURL            string
	RevokeURL              string
	DeviceAuthorizationURL string
	Scopes                 []string
	AuthorizeParams        map[string]string
	TokenEndpointAuth      string
	// TokenMethod is the HTTP method of OAuth 1.0a token requests: POST
	// (the default, RFC 5849 §2.1) or GET where the provider wants it.
	TokenMethod     string
	SignatureMethod string // OAuth 1.0a; "" is HMAC-SHA1
	Callback        string // OAuth 1.0a; "" is loopback

	// Profile says which fields of the userinfo answer give the person;
	// empty fields use Latchkey's usual names (OpenID Connect's, then the
	// common ones).
	Profile ProfileMap
	// Device: the provider offers sign-in with a code (RFC 8628).
	Device bool
	// AnyPort: the provider accepts any port on a loopback redirect URI
	// (RFC 8252 §7.3). When false, register a redirect_uri with a fixed
	// port and set the same one in the entry.
	AnyPort bool
	// APIBaseURL is where a relative `latchkey api` path goes.
	APIBaseURL string
	// GitHosts are the git hosts whose credentials this provider issues.
	GitHosts []string
	// Unsupported, when not "", says what the provider needs that
	// Latchkey cannot do: the editor shows it instead of failing at
	// sign-in.
	Unsupported string
}

// PresetParam is one placeholder of a preset's endpoints.
type PresetParam struct {
	Name    string // as written in braces: "tenant"
	Label   string // for the editor: "Tenant"
	Default string // "" when the person must give one
	Example string // shown as a hint
}

// ProfileMap names, as dotted JSON paths ("user.name"), the fields of a
// userinfo answer that give the person's stable id, display name, user
// name, email and picture.
type ProfileMap struct {
	ID       string `toml:"id" json:"id,omitempty"`
	Name     string `toml:"name" json:"name,omitempty"`
	Username string `toml:"username" json:"username,omitempty"`
	Email    string `toml:"email" json:"email,omitempty"`
	Picture  string `toml:"picture" json:"picture,omitempty"`
}

// Presets is every provider Latchkey knows, in the order the picker shows
// them. docs/CONFIG.md's preset table is generated from it.
var Presets = []Preset{
	{
		ID: "github", Name: "GitHub", Protocol: OAuth2,
		Note:                   "Create an OAuth app. Refresh tokens come only when the app has “expiring user tokens” (GitHub Apps); enable device flow in the app to sign in with a code.",
		Docs:                   "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps",
		Register:               "https://github.com/settings/applications/new",
		AuthorizeURL:           endpoints.GitHub.AuthURL,
		AccessTokenURL:         endpoints.GitHub.TokenURL,
		DeviceAuthorizationURL: endpoints.GitHub.DeviceAuthURL,
		UserinfoURL:            "https://api.github.com/user",
		Scopes:                 []string{"read:user", "user:email"},
		TokenEndpointAuth:      AuthPost,
		Profile:                ProfileMap{ID: "id", Name: "name", Username: "login", Email: "email", Picture: "avatar_url"},
		Device:                 true, AnyPort: true,
		APIBaseURL: "https://api.github.com",
		GitHosts:   []string{"github.com"},
	},
	{
		ID: "gitlab", Name: "GitLab.com", Protocol: OIDC,
		Note:       "Add an application under Preferences → Applications, not confidential, with the openid, profile and email scopes.",
		Docs:       "https://docs.gitlab.com/api/oauth2/",
		Register:   "https://gitlab.com/-/user_settings/applications",
		Issuer:     "https://gitlab.com",
		Scopes:     []string{"openid", "profile", "email"},
		Profile:    ProfileMap{Username: "nickname"},
		Device:     true,
		APIBaseURL: "https://gitlab.com/api/v4",
		GitHosts:   []string{"gitlab.com"},
	},
	{
		ID: "gitlab-self-managed", Name: "GitLab (self-managed)", Protocol: OIDC,
		Note:       "Add an application under Preferences → Applications on your GitLab, not confidential, with the openid, profile and email scopes.",
		Docs:       "https://docs.gitlab.com/api/oauth2/",
		Register:   "{base_url}/-/user_settings/applications",
		Params:     []PresetParam{{Name: "base_url", Label: "GitLab address", Example: "https://gitlab.example.com"}},
		Issuer:     "{base_url}",
		Scopes:     []string{"openid", "profile", "email"},
		Profile:    ProfileMap{Username: "nickname"},
		Device:     true,
		APIBaseURL: "{base_url}/api/v4",
	},
	{
		ID: "google", Name: "Google", Protocol: OIDC,
		Note:              "Create an OAuth client ID of type “Desktop app”. Its client secret is not confidential in a desktop app, but Google still asks for it. access_type=offline and prompt=consent ask for a refresh token.",
		Docs:              "https://developers.google.com/identity/protocols/oauth2/native-app",
		Register:          "https://console.cloud.google.com/apis/credentials",
		Issuer:            "https://accounts.google.com",
		Scopes:            []string{"openid", "email", "profile"},
		AuthorizeParams:   map[string]string{"access_type": "offline", "prompt": "consent"},
		TokenEndpointAuth: AuthPost,
		AnyPort:           true,
		APIBaseURL:        "https://www.googleapis.com",
	},
	{
		ID: "microsoft", Name: "Microsoft identity platform", Protocol: OIDC,
		Note:     "Register an app under Entra ID → App registrations with a “Mobile and desktop” redirect URI; the common tenant signs in any account.",
		Docs:     "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow",
		Register: "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
		Params:   []PresetParam{{Name: "tenant", Label: "Tenant", Default: "common", Example: "contoso.onmicrosoft.com"}},
		Issuer:   "https://login.microsoftonline.com/{tenant}/v2.0",
		Scopes:   []string{"openid", "profile", "email", "offline_access"},
		Profile:  ProfileMap{Username: "preferred_username"},
		Device:   true, AnyPort: true,
		APIBaseURL: "https://graph.microsoft.com",
	},
	{
		ID: "discord", Name: "Discord", Protocol: OAuth2,
		Note:              "Add the redirect URI under OAuth2 in the Developer Portal; Discord needs the client secret.",
		Docs:              "https://discord.com/developers/docs/topics/oauth2",
		Register:          "https://discord.com/developers/applications",
		AuthorizeURL:      endpoints.Discord.AuthURL,
		AccessTokenURL:    endpoints.Discord.TokenURL,
		RevokeURL:         "https://discord.com/api/oauth2/token/revoke",
		UserinfoURL:       "https://discord.com/api/users/@me",
		Scopes:            []string{"identify", "email"},
		TokenEndpointAuth: AuthBasic,
		Profile:           ProfileMap{ID: "id", Name: "global_name", Username: "username", Email: "email"},
		APIBaseURL:        "https://discord.com/api",
	},
	{
		ID: "dropbox", Name: "Dropbox", Protocol: OAuth2,
		Note:            "Create an app in the App Console; token_access_type=offline asks for a refresh token. Dropbox's profile request is a POST, so Latchkey shows no profile for it.",
		Docs:            "https://developers.dropbox.com/oauth-guide",
		Register:        "https://www.dropbox.com/developers/apps",
		AuthorizeURL:    endpoints.Dropbox.AuthURL,
		AccessTokenURL:  endpoints.Dropbox.TokenURL,
		AuthorizeParams: map[string]string{"token_access_type": "offline"},
		APIBaseURL:      "https://api.dropboxapi.com",
	},
	{
		ID: "spotify", Name: "Spotify", Protocol: OAuth2,
		Note:           "Create an app in the Developer Dashboard and add the redirect URI with its port (Spotify wants 127.0.0.1 and an exact match).",
		Docs:           "https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow",
		Register:       "https://developer.spotify.com/dashboard",
		AuthorizeURL:   endpoints.Spotify.AuthURL,
		AccessTokenURL: endpoints.Spotify.TokenURL,
		UserinfoURL:    "https://api.spotify.com/v1/me",
		Scopes:         []string{"user-read-private", "user-read-email"},
		Profile:        ProfileMap{ID: "id", Name: "display_name", Email: "email", Picture: "images.0.url"},
		APIBaseURL:     "https://api.spotify.com/v1",
	},
	{
		ID: "slack", Name: "Slack", Protocol: OIDC,
		Note:        "Sign in with Slack (OpenID Connect).",
		Docs:        "https://api.slack.com/authentication/sign-in-with-slack",
		Register:    "https://api.slack.com/apps",
		Issuer:      "https://slack.com",
		Scopes:      []string{"openid", "profile", "email"},
		APIBaseURL:  "https://slack.com/api",
		Unsupported: "Slack accepts only https redirect URLs, so it cannot send the browser back to Latchkey on this computer (RFC 8252 loopback redirects need http://127.0.0.1).",
	},
	{
		ID: "twitch", Name: "Twitch", Protocol: OIDC,
		Note:              "Register an application in the Twitch console (category “Application Integration”); Twitch needs the client secret.",
		Docs:              "https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/",
		Register:          "https://dev.twitch.tv/console/apps",
		Issuer:            "https://id.twitch.tv/oauth2",
		Scopes:            []string{"openid", "user:read:email"},
		TokenEndpointAuth: AuthPost,
		Profile:           ProfileMap{Username: "preferred_username"},
		Device:            true,
		APIBaseURL:        "https://api.twitch.tv/helix",
	},
	{
		ID: "bitbucket", Name: "Bitbucket", Protocol: OAuth2,
		Note:              "Add an OAuth consumer under Workspace settings → OAuth consumers, with its callback URL and the Account read permission; Bitbucket needs the secret.",
		Docs:              "https://developer.atlassian.com/cloud/bitbucket/oauth-2/",
		Register:          "https://bitbucket.org/account/settings/",
		AuthorizeURL:      endpoints.Bitbucket.AuthURL,
		AccessTokenURL:    endpoints.Bitbucket.TokenURL,
		UserinfoURL:       "https://api.bitbucket.org/2.0/user",
		TokenEndpointAuth: AuthBasic,
		Profile:           ProfileMap{ID: "uuid", Name: "display_name", Username: "username", Picture: "links.avatar.href"},
		APIBaseURL:        "https://api.bitbucket.org/2.0",
		GitHosts:          []string{"bitbucket.org"},
	},
	{
		ID: "atlassian", Name: "Atlassian Cloud (Jira, Confluence)", Protocol: OAuth2,
		Note:              "Create an OAuth 2.0 (3LO) integration in the developer console and add the read:me scope; it needs the client secret.",
		Docs:              "https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/",
		Register:          "https://developer.atlassian.com/console/myapps/",
		AuthorizeURL:      "https://auth.atlassian.com/authorize",
		AccessTokenURL:    "https://auth.atlassian.com/oauth/token",
		UserinfoURL:       "https://api.atlassian.com/me",
		Scopes:            []string{"read:me", "offline_access"},
		AuthorizeParams:   map[string]string{"audience": "api.atlassian.com", "prompt": "consent"},
		TokenEndpointAuth: AuthPost,
		Profile:           ProfileMap{ID: "account_id", Name: "name", Username: "nickname", Email: "email", Picture: "picture"},
		APIBaseURL:        "https://api.atlassian.com",
	},
	{
		ID: "okta", Name: "Okta", Protocol: OIDC,
		Note:     "Create an OIDC “Native Application” with PKCE; the issuer is your Okta domain (or its authorization server, e.g. /oauth2/default).",
		Docs:     "https://developer.okta.com/docs/guides/implement-grant-type/authcodepkce/main/",
		Register: "https://{domain}/admin/apps/active",
		Params:   []PresetParam{{Name: "domain", Label: "Okta domain", Example: "dev-123456.okta.com"}},
		Issuer:   "https://{domain}",
		Scopes:   []string{"openid", "profile", "email", "offline_access"},
		Profile:  ProfileMap{Username: "preferred_username"},
		Device:   true, AnyPort: true,
	},
	{
		ID: "auth0", Name: "Auth0", Protocol: OIDC,
		Note:     "Create a “Native” application; Auth0's issuer ends with a slash.",
		Docs:     "https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow-with-pkce",
		Register: "https://manage.auth0.com/#/applications",
		Params:   []PresetParam{{Name: "domain", Label: "Auth0 domain", Example: "example.eu.auth0.com"}},
		Issuer:   "https://{domain}/",
		Scopes:   []string{"openid", "profile", "email", "offline_access"},
		Profile:  ProfileMap{Username: "nickname"},
		Device:   true,
	},
	{
		ID: "keycloak", Name: "Keycloak", Protocol: OIDC,
		Note:     "Create a public OpenID Connect client in the realm with “Standard flow” and the redirect URI http://127.0.0.1/*.",
		Docs:     "https://www.keycloak.org/docs/latest/server_admin/#_oidc_clients",
		Register: "{base_url}/admin/master/console/#/{realm}/clients",
		Params: []PresetParam{
			{Name: "base_url", Label: "Keycloak address", Example: "https://sso.example.com"},
			{Name: "realm", Label: "Realm", Example: "myrealm"},
		},
		Issuer:  "{base_url}/realms/{realm}",
		Scopes:  []string{"openid", "profile", "email"},
		Profile: ProfileMap{Username: "preferred_username"},
		Device:  true, AnyPort: true,
	},
	{
		ID: "oidc", Name: "OpenID Connect (by issuer)", Protocol: OIDC,
		Note:     "Any OpenID Connect provider: give its issuer, and Latchkey reads the rest from its discovery document.",
		Docs:     "https://openid.net/specs/openid-connect-discovery-1_0.html",
		Register: "{issuer}",
		Params:   []PresetParam{{Name: "issuer", Label: "Issuer", Example: "https://login.example.com"}},
		Issuer:   "{issuer}",
		Scopes:   []string{"openid", "profile", "email"},
		AnyPort:  true,
	},

	// OAuth 1.0a
	{
		ID: "x", Name: "X (Twitter)", Protocol: OAuth1,
		Note:            "Enable OAuth 1.0a in the app's user authentication settings and add the callback URL; the consumer key and secret are the API key and secret.",
		Docs:            "https://docs.x.com/resources/fundamentals/authentication/oauth-1-0a/obtaining-user-access-tokens",
		Register:        "https://developer.x.com/en/portal/dashboard",
		RequestTokenURL: "https://api.x.com/oauth/request_token",
		AuthorizeURL:    "https://api.x.com/oauth/authorize",
		AccessTokenURL:  "https://api.x.com/oauth/access_token",
		UserinfoURL:     "https://api.x.com/1.1/account/verify_credentials.json",
		Profile:         ProfileMap{ID: "id_str", Name: "name", Username: "screen_name", Picture: "profile_image_url_https"},
		APIBaseURL:      "https://api.x.com",
	},
	{
		ID: "trello", Name: "Trello", Protocol: OAuth1,
		Note:            "The consumer key and secret are your Power-Up's API key and secret; name, scope and expiration tell Trello what to grant.",
		Docs:            "https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/",
		Register:        "https://trello.com/power-ups/admin",
		RequestTokenURL: "https://trello.com/1/OAuthGetRequestToken",
		AuthorizeURL:    "https://trello.com/1/OAuthAuthorizeToken",
		AccessTokenURL:  "https://trello.com/1/OAuthGetAccessToken",
		UserinfoURL:     "https://api.trello.com/1/members/me",
		AuthorizeParams: map[string]string{"name": "Latchkey", "scope": "read", "expiration": "30days"},
		Profile:         ProfileMap{ID: "id", Name: "fullName", Username: "username", Email: "email", Picture: "avatarUrl"},
		APIBaseURL:      "https://api.trello.com/1",
	},
	{
		ID: "flickr", Name: "Flickr", Protocol: OAuth1,
		Note:            "Apply for an API key; perms says what Latchkey may do (read, write or delete).",
		Docs:            "https://www.flickr.com/services/api/auth.oauth.html",
		Register:        "https://www.flickr.com/services/apps/create/",
		RequestTokenURL: "https://www.flickr.com/services/oauth/request_token",
		AuthorizeURL:    "https://www.flickr.com/services/oauth/authorize",
		AccessTokenURL:  "https://www.flickr.com/services/oauth/access_token",
		UserinfoURL:     "https://api.flickr.com/services/rest?method=flickr.test.login&format=json&nojsoncallback=1",
		AuthorizeParams: map[string]string{"perms": "read"},
		Profile:         ProfileMap{ID: "user.id", Username: "user.username._content"},
		APIBaseURL:      "https://api.flickr.com/services",
	},
	{
		ID: "tumblr", Name: "Tumblr", Protocol: OAuth1,
		Note:            "Register an application and set its default callback URL.",
		Docs:            "https://www.tumblr.com/docs/en/api/v2#oauth1-authorization",
		Register:        "https://www.tumblr.com/oauth/apps",
		RequestTokenURL: "https://www.tumblr.com/oauth/request_token",
		AuthorizeURL:    "https://www.tumblr.com/oauth/authorize",
		AccessTokenURL:  "https://www.tumblr.com/oauth/access_token",
		UserinfoURL:     "https://api.tumblr.com/v2/user/info",
		Profile:         ProfileMap{ID: "response.user.name", Name: "response.user.name", Username: "response.user.name"},
		APIBaseURL:      "https://api.tumblr.com/v2",
	},
	{
		ID: "smugmug", Name: "SmugMug", Protocol: OAuth1,
		Note:            "Apply for an API key; Access and Permissions say what Latchkey may do.",
		Docs:            "https://api.smugmug.com/api/v2/doc/tutorial/authorization.html",
		Register:        "https://api.smugmug.com/api/developer/apply",
		RequestTokenURL: "https://api.smugmug.com/services/oauth/1.0a/getRequestToken",
		AuthorizeURL:    "https://api.smugmug.com/services/oauth/1.0a/authorize",
		AccessTokenURL:  "https://api.smugmug.com/services/oauth/1.0a/getAccessToken",
		UserinfoURL:     "https://api.smugmug.com/api/v2!authuser",
		AuthorizeParams: map[string]string{"Access": "Full", "Permissions": "Read"},
		Profile:         ProfileMap{ID: "Response.User.NickName", Name: "Response.User.Name", Username: "Response.User.NickName"},
		APIBaseURL:      "https://api.smugmug.com",
	},
	{
		ID: "discogs", Name: "Discogs", Protocol: OAuth1,
		Note:            "Register an application under Settings → Developers and set its callback URL.",
		Docs:            "https://www.discogs.com/developers/#page:authentication,header:authentication-oauth-flow",
		Register:        "https://www.discogs.com/settings/developers",
		RequestTokenURL: "https://api.discogs.com/oauth/request_token",
		AuthorizeURL:    "https://www.discogs.com/oauth/authorize",
		AccessTokenURL:  "https://api.discogs.com/oauth/access_token",
		UserinfoURL:     "https://api.discogs.com/oauth/identity",
		TokenMethod:     "GET",
		Profile:         ProfileMap{ID: "id", Username: "username"},
		APIBaseURL:      "https://api.discogs.com",
	},
	{
		ID: "atlassian-dc", Name: "Jira / Confluence Data Center", Protocol: OAuth1,
		Note:            "Create an incoming application link with your RSA public key; the consumer key is the link's, and the entry names your PEM private key.",
		Docs:            "https://developer.atlassian.com/server/jira/platform/oauth/",
		Register:        "{base_url}/plugins/servlet/applinks/listApplicationLinks",
		Params:          []PresetParam{{Name: "base_url", Label: "Jira or Confluence address", Example: "https://jira.example.com"}},
		RequestTokenURL: "{base_url}/plugins/servlet/oauth/request-token",
		AuthorizeURL:    "{base_url}/plugins/servlet/oauth/authorize",
		AccessTokenURL:  "{base_url}/plugins/servlet/oauth/access-token",
		UserinfoURL:     "{base_url}/rest/api/2/myself",
		SignatureMethod: "RSA-SHA1",
		Profile:         ProfileMap{ID: "key", Name: "displayName", Username: "name", Email: "emailAddress"},
		APIBaseURL:      "{base_url}/rest/api/2",
	},
	{
		ID: "etrade", Name: "E*TRADE", Protocol: OAuth1,
		Note:            "Request a consumer key; E*TRADE shows a verification code after you allow access, which you paste into Latchkey.",
		Docs:            "https://apisb.etrade.com/docs/api/authorization/request_token.html",
		Register:        "https://developer.etrade.com/getting-started",
		RequestTokenURL: "https://api.etrade.com/oauth/request_token",
		AuthorizeURL:    "https://us.etrade.com/e/t/etws/authorize",
		AccessTokenURL:  "https://api.etrade.com/oauth/access_token",
		TokenMethod:     "GET",
		Callback:        CallbackOOB,
		APIBaseURL:      "https://api.etrade.com",
		Unsupported:     "E*TRADE's authorize page wants the consumer key as key and the request token as token instead of oauth_token, which this version of Latchkey does not send yet.",
	},
}

// FindPreset returns the preset with this id.
func FindPreset(id string) (*Preset, bool) {
	for i := range Presets {
		if Presets[i].ID == id {
			return &Presets[i], true
		}
	}
	return nil, false
}
