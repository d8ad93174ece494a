package provider

import "testing"

// TestSchemas: every protocol has a schema an editor can render: labels,
// a custom-entry note, fields that are Provider keys, and conditions that
// name fields of the same schema.
func TestSchemas(t *testing.T) {
	for _, proto := range Protocols {
		s := SchemaOf(proto)
		if s.ClientIDLabel == "" || s.SecretLabel == "" || s.CustomNote == "" || len(s.Fields) == 0 {
			t.Errorf("%s: incomplete schema %+v", proto, s)
		}
		keys := map[string]bool{"client_id": true}
		for _, f := range s.Fields {
			if !knownFields[f.Key] {
				t.Errorf("%s: %q is not a providers.toml field", proto, f.Key)
			}
			keys[f.Key] = true
		}
		for _, f := range s.Fields {
			for _, c := range []*Cond{f.Needed, f.Shown} {
				if c != nil && c.Key != "" && !keys[c.Key] {
					t.Errorf("%s: %s depends on %q, which the form does not show", proto, f.Key, c.Key)
				}
			}
		}
	}
	if SchemaOf("").Fields != nil {
		t.Error("an unknown protocol has fields")
	}
	vals := map[string]string{"token_endpoint_auth": AuthNone}
	get := func(k string) string { return vals[k] }
	secret := SchemaOf(OAuth2).Fields[0]
	if secret.Key != "client_secret" || secret.Needed.Holds(get) {
		t.Errorf("a public client needs a secret")
	}
	vals["token_endpoint_auth"] = AuthBasic
	if !secret.Needed.Holds(get) {
		t.Errorf("client_secret_basic needs no secret")
	}
	rsa := &Preset{Protocol: OAuth1, SignatureMethod: "RSA-SHA1"}
	if rsa.NeedsSecret() || !(&Preset{Protocol: OAuth1}).NeedsSecret() || (&Preset{Protocol: OIDC}).NeedsSecret() || !(&Preset{Protocol: OAuth2, TokenEndpointAuth: AuthPost}).NeedsSecret() {
		t.Error("Preset.NeedsSecret is wrong")
	}
}
