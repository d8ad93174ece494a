package auth

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"latchkey/auth/authtest"
	"latchkey/auth/provider"
)

// TestProfileMapping: a provider's profile setting names dotted paths,
// array indexes included, and a path that leads nowhere falls back to the
// usual names.
func TestProfileMapping(t *testing.T) {
	doc := []byte(`{"id": 1234, "display_name": "Ada", "user": {"handle": "ada", "mails": ["ada@example.com"]},
		"images": [{"url": "https://i.example/a.png"}], "login": "fallback"}`)
	p, err := profileFromJSON(doc, provider.ProfileMap{ID: "id", Username: "user.handle", Email: "user.mails.0", Picture: "images.0.url", Name: "nobody.here"})
	if err != nil {
		t.Fatal(err)
	}
	want := Profile{Subject: "1234", Name: "Ada", Username: "ada", Email: "ada@example.com", Picture: "https://i.example/a.png"}
	p.Raw = nil
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %+v, want %+v", p, want)
	}
	p, _ = profileFromJSON(doc)
	if p.Username != "fallback" || p.Email != "" {
		t.Errorf("without a mapping: %+v", p)
	}
	for _, path := range []string{"images.1.url", "images.x.url", "images.-1.url", "id.x", "user"} {
		p, _ := profileFromJSON(doc, provider.ProfileMap{Picture: path})
		if p.Picture != "" {
			t.Errorf("path %q gave %q", path, p.Picture)
		}
	}
}

// TestProfileMappingSignIn: the mapping reaches the sign-in's profile.
func TestProfileMappingSignIn(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	svc, _ := testService(t, oauth2TOML(idp, authtest.PublicClientID, "none", `profile = { id = "data.uid", name = "data.names.0" }`), authtest.NewBrowser())
	idp.OverrideUserinfo(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data": {"uid": "u-7", "names": ["Grace"]}, "extra": 1}`))
	})
	a, err := svc.Login(context.Background(), "idp", LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Profile.Subject != "u-7" || a.Profile.Name != "Grace" {
		t.Errorf("profile = %+v", a.Profile)
	}
}

// TestOAuth1TokenMethodGET: token_method = "GET" (Discogs, E*TRADE) sends
// both token requests as signed GETs, which a GET-only provider accepts;
// the default still POSTs, which it refuses.
func TestOAuth1TokenMethodGET(t *testing.T) {
	idp := authtest.NewOAuth1Provider(t, authtest.OAuth1Options{TokenMethod: http.MethodGet})
	for _, tc := range []struct {
		extra string
		ok    bool
	}{{`token_method = "GET"`, true}, {"", false}} {
		svc, _ := testService(t, idp.ProviderTOML("idp", "Records", "loopback", tc.extra), authtest.NewBrowser())
		_, err := svc.Login(context.Background(), "idp", LoginOptions{})
		if (err == nil) != tc.ok {
			t.Fatalf("%q: Login = %v", tc.extra, err)
		}
	}
	var gets int
	for _, r := range idp.Requests() {
		if (r.Endpoint == authtest.OAuth1RequestToken || r.Endpoint == authtest.OAuth1AccessToken) && r.Method == http.MethodGet && r.Status < 400 {
			gets++
		}
	}
	if gets != 2 {
		t.Errorf("%d accepted token GETs, want 2 (request and access token)", gets)
	}
}
