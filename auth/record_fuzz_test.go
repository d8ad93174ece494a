package auth

import (
	"errors"
	"testing"
)

// FuzzRecord decodes arbitrary keychain record bytes: it never panics, and
// either refuses with a *RecordError (which names the id and holds no value
// from the record) or gives an account that passes validate: this id, a
// protocol Latchkey speaks, a non-empty access token.
func FuzzRecord(f *testing.F) {
	f.Add([]byte(`{"v":1,"provider_id":"idp","protocol":"oauth2","token":{"access_token":"at","token_type":"Bearer"}}`))
	f.Add([]byte(`{"v":1,"provider_id":"idp","protocol":"oauth1","token":{"access_token":"t","token_secret":"s"}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"v":99}`))
	f.Add([]byte(`[1,2`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := decodeAccount("idp", data)
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) || re.ID != "idp" {
				t.Fatalf("refused with %v (%T), want a *RecordError for idp", err, err)
			}
			return
		}
		if a.ProviderID != "idp" || a.Token.AccessToken == "" || a.validate("idp") != nil {
			t.Fatalf("handed out a meaningless account: id %q, token set %v", a.ProviderID, a.Token)
		}
	})
}
