package provider

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var placeholder = regexp.MustCompile(`\{([a-z_]+)\}`)

// fill replaces each {param} in s with the param's example (or default).
func (p *Preset) fill(s string) string {
	for _, pp := range p.Params {
		v := pp.Example
		if v == "" {
			v = pp.Default
		}
		if !strings.Contains(v, "://") && (pp.Name == "domain" || pp.Name == "tenant" || pp.Name == "realm") {
			v = strings.TrimPrefix(v, "https://")
		}
		s = strings.ReplaceAll(s, "{"+pp.Name+"}", v)
	}
	return s
}

// TestPresets: every preset is complete data a person can act on: an id
// and a name, a docs link and a registration page, the endpoints its
// protocol needs (https, once its placeholders are filled), a way to read
// the profile (or a note saying why there is none), and placeholders that
// are all declared.
func TestPresets(t *testing.T) {
	seen := map[string]bool{}
	for i := range Presets {
		p := &Presets[i]
		t.Run(p.ID, func(t *testing.T) {
			if !idPattern.MatchString(p.ID) || seen[p.ID] {
				t.Errorf("id %q is not a valid, unique provider id", p.ID)
			}
			seen[p.ID] = true
			if p.Name == "" || p.Note == "" {
				t.Errorf("no name or note")
			}
			if p.Docs == "" || p.Register == "" {
				t.Errorf("a preset needs a docs link and a registration page (docs %q, register %q)", p.Docs, p.Register)
			}
			urls := map[string]string{"docs": p.Docs, "register": p.Register, "issuer": p.Issuer, "authorize_url": p.AuthorizeURL,
				"access_token_url": p.AccessTokenURL, "request_token_url": p.RequestTokenURL, "userinfo_url": p.UserinfoURL,
				"revoke_url": p.RevokeURL, "device_authorization_url": p.DeviceAuthorizationURL, "api_base_url": p.APIBaseURL}
			declared := map[string]bool{}
			for _, pp := range p.Params {
				declared[pp.Name] = true
				if pp.Label == "" || (pp.Example == "" && pp.Default == "") {
					t.Errorf("param %s needs a label and an example or default", pp.Name)
				}
			}
			used := map[string]bool{}
			for field, raw := range urls {
				if raw == "" {
					continue
				}
				for _, m := range placeholder.FindAllStringSubmatch(raw, -1) {
					used[m[1]] = true
					if !declared[m[1]] {
						t.Errorf("%s uses {%s}, which the preset does not declare", field, m[1])
					}
				}
				u, err := url.Parse(p.fill(raw))
				if err != nil {
					t.Errorf("%s %q does not parse: %v", field, raw, err)
					continue
				}
				if err := CheckURL(u); err != nil {
					t.Errorf("%s %q: %v", field, raw, err)
				}
			}
			for name := range declared {
				if !used[name] {
					t.Errorf("param %s is declared but no URL uses it", name)
				}
			}
			switch p.Protocol {
			case OAuth2:
				if p.AuthorizeURL == "" || p.AccessTokenURL == "" {
					t.Errorf("OAuth 2.0 needs authorize_url and access_token_url")
				}
			case OIDC:
				if p.Issuer == "" {
					t.Errorf("OpenID Connect needs an issuer")
				}
			case OAuth1:
				if p.RequestTokenURL == "" || p.AuthorizeURL == "" || p.AccessTokenURL == "" {
					t.Errorf("OAuth 1.0a needs request_token_url, authorize_url and access_token_url")
				}
				if m := p.SignatureMethod; m != "" && !signatureMethods[m] {
					t.Errorf("signature method %q", m)
				}
				if m := p.TokenMethod; m != "" && m != "GET" && m != "POST" {
					t.Errorf("token method %q", m)
				}
			default:
				t.Errorf("protocol %q", p.Protocol)
			}
			// A profile: OpenID Connect has userinfo from discovery; the
			// others name theirs, or say in the note or Unsupported why not.
			if p.Protocol != OIDC && p.UserinfoURL == "" && p.Unsupported == "" && !strings.Contains(p.Note, "profile") {
				t.Errorf("no userinfo_url and no word on why Latchkey shows no profile")
			}
			if p.UserinfoURL != "" && p.Profile == (ProfileMap{}) {
				t.Errorf("userinfo_url without a profile mapping")
			}
			if p.Protocol != OIDC && p.UserinfoURL != "" && p.Profile.ID == "" {
				t.Errorf("a profile mapping without the person's stable id")
			}
			p.Profile.check(func(field, msg string) { t.Errorf("%s: %s", field, msg) })
			if p.Protocol != OAuth1 && p.TokenMethod != "" {
				t.Errorf("token method on a protocol other than OAuth 1.0a")
			}
			if p.Device && p.Protocol == OAuth2 && p.DeviceAuthorizationURL == "" {
				t.Errorf("device sign-in without a device_authorization_url")
			}
			for k := range p.AuthorizeParams {
				if k == "state" || k == "redirect_uri" || strings.HasPrefix(k, "code_challenge") || strings.HasPrefix(k, "oauth_") {
					t.Errorf("authorize param %q is the protocol's own", k)
				}
			}
		})
	}
	for _, want := range []string{"github", "gitlab", "gitlab-self-managed", "google", "microsoft", "discord", "dropbox", "spotify",
		"slack", "twitch", "bitbucket", "atlassian", "okta", "auth0", "keycloak", "oidc",
		"x", "trello", "flickr", "tumblr", "smugmug", "discogs", "atlassian-dc", "etrade"} {
		if _, ok := FindPreset(want); !ok {
			t.Errorf("no preset %q", want)
		}
	}
}
