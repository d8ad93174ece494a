package provider

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// presetField is one setting a preset supplies: the TOML key of the
// Provider field and how the preset's value is copied in (fill replaces
// the placeholders).
type presetField struct {
	key   string
	apply func(p *Provider, pr *Preset, fill func(string) string)
}

// presetFields are the settings a preset supplies, each applied only when
// the entry does not set its key. A Provider field a preset can fill gets
// a row here.
var presetFields = []presetField{
	{"name", func(p *Provider, pr *Preset, _ func(string) string) { p.Name = pr.Name }},
	{"protocol", func(p *Provider, pr *Preset, _ func(string) string) { p.Protocol = pr.Protocol }},
	{"issuer", func(p *Provider, pr *Preset, fill func(string) string) { p.Issuer = fill(pr.Issuer) }},
	{"authorize_url", func(p *Provider, pr *Preset, fill func(string) string) { p.AuthorizeURL = fill(pr.AuthorizeURL) }},
	{"access_token_url", func(p *Provider, pr *Preset, fill func(string) string) { p.AccessTokenURL = fill(pr.AccessTokenURL) }},
	{"request_token_url", func(p *Provider, pr *Preset, fill func(string) string) { p.RequestTokenURL = fill(pr.RequestTokenURL) }},
	{"userinfo_url", func(p *Provider, pr *Preset, fill func(string) string) { p.UserinfoURL = fill(pr.UserinfoURL) }},
	{"revoke_url", func(p *Provider, pr *Preset, fill func(string) string) { p.RevokeURL = fill(pr.RevokeURL) }},
	{"device_authorization_url", func(p *Provider, pr *Preset, fill func(string) string) {
		p.DeviceAuthorizationURL = fill(pr.DeviceAuthorizationURL)
	}},
	{"scopes", func(p *Provider, pr *Preset, _ func(string) string) { p.Scopes = slices.Clone(pr.Scopes) }},
	{"authorize_params", func(p *Provider, pr *Preset, fill func(string) string) {
		if len(pr.AuthorizeParams) == 0 {
			return
		}
		p.AuthorizeParams = map[string]string{}
		for k, v := range pr.AuthorizeParams {
			p.AuthorizeParams[k] = fill(v)
		}
	}},
	{"token_endpoint_auth", func(p *Provider, pr *Preset, _ func(string) string) { p.TokenEndpointAuth = pr.TokenEndpointAuth }},
	{"token_method", func(p *Provider, pr *Preset, _ func(string) string) { p.TokenMethod = pr.TokenMethod }},
	{"signature_method", func(p *Provider, pr *Preset, _ func(string) string) { p.SignatureMethod = pr.SignatureMethod }},
	{"callback", func(p *Provider, pr *Preset, _ func(string) string) { p.Callback = pr.Callback }},
	{"profile", func(p *Provider, pr *Preset, _ func(string) string) { p.Profile = pr.Profile }},
	{"api_base_url", func(p *Provider, pr *Preset, fill func(string) string) { p.APIBaseURL = fill(pr.APIBaseURL) }},
	{"git_hosts", func(p *Provider, pr *Preset, _ func(string) string) { p.GitHosts = slices.Clone(pr.GitHosts) }},
}

// presetURLs are the keys of presetFields whose values may hold
// placeholders.
var presetURLs = []string{"issuer", "authorize_url", "access_token_url", "request_token_url", "userinfo_url", "revoke_url", "device_authorization_url", "authorize_params", "api_base_url"}

// applyPreset resolves p.Preset into p: every setting of the preset the
// entry does not set (isSet says which TOML keys it sets), with the
// placeholders filled from p.Params (a param's Default when unset) and
// {client_id} from p.ClientID. It reports what is wrong through add and
// returns the fields whose problems the validator should not report
// (settings that could not be resolved, so their problems would only
// repeat the preset's). An entry without a preset is left as it is.
func (p *Provider) applyPreset(isSet func(key string) bool, add func(field, msg string)) (suppress map[string]bool) {
	if p.Preset == "" {
		if len(p.Params) > 0 {
			add("params", `params fill the placeholders of a preset, but this entry names no preset: add preset = "…" (docs/CONFIG.md lists them) or remove params`)
		}
		return nil
	}
	pr, ok := FindPreset(p.Preset)
	if !ok {
		add("preset", unknownPreset(p.Preset))
		suppress = map[string]bool{}
		for _, f := range presetFields {
			if !isSet(f.key) {
				suppress[f.key] = true
			}
		}
		suppress["client_secret"] = true
		return suppress
	}
	if pr.Unsupported != "" {
		add("preset", "Latchkey cannot sign in to "+pr.Name+": "+pr.Unsupported)
	}
	values, missing := p.presetParams(pr, add)
	fill := func(s string) string { return fillPlaceholders(s, values, p.ClientID) }
	for _, f := range presetFields {
		if !isSet(f.key) {
			f.apply(p, pr, fill)
		}
	}
	if len(missing) > 0 {
		suppress = map[string]bool{}
		for _, key := range presetURLs {
			if !isSet(key) && presetUses(pr, key, missing) {
				suppress[key] = true
			}
		}
	}
	return suppress
}

// presetParams checks p.Params against pr's declared params and returns
// the value of each (its Default when unset), and the names that have no
// value.
func (p *Provider) presetParams(pr *Preset, add func(field, msg string)) (values map[string]string, missing []string) {
	declared := map[string]bool{}
	var names []string
	for _, pp := range pr.Params {
		declared[pp.Name] = true
		names = append(names, pp.Name)
	}
	for _, k := range slices.Sorted(maps.Keys(p.Params)) {
		if declared[k] {
			continue
		}
		if len(names) == 0 {
			add("params", fmt.Sprintf("unknown param %q: the %s preset takes no params; remove it", safeKey(k), pr.ID))
		} else {
			add("params", fmt.Sprintf("unknown param %q: the %s preset takes %s", safeKey(k), pr.ID, strings.Join(names, ", ")))
		}
	}
	values = map[string]string{}
	for _, pp := range pr.Params {
		v := strings.TrimSpace(p.Params[pp.Name])
		if v == "" {
			v = pp.Default
		}
		if v == "" {
			add("params", fmt.Sprintf("missing %s (%s): the %s preset needs it, e.g. params = { %s = %q }", pp.Name, pp.Label, pr.ID, pp.Name, pp.Example))
			missing = append(missing, pp.Name)
			continue
		}
		if why := badParamValue(pr, pp.Name, v); why != "" {
			add("params", fmt.Sprintf("%s %s, e.g. %s = %q", pp.Name, why, pp.Name, pp.Example))
			missing = append(missing, pp.Name)
			continue
		}
		values[pp.Name] = v
	}
	return values, missing
}

// badParamValue says why v cannot fill {name} in pr's endpoints, or "".
// The value itself is never quoted (it is the file's text).
func badParamValue(pr *Preset, name, v string) string {
	if strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "holds a space or a control character"
	}
	if strings.ContainsAny(v, "{}") {
		return "holds a brace: give the value itself"
	}
	for _, s := range presetTexts(pr) {
		if strings.Contains(s, "://{"+name+"}") {
			if strings.Contains(v, "://") || strings.Contains(v, "/") {
				return "is a host name only, without https:// or a path"
			}
			break
		}
	}
	return ""
}

// presetTexts are the texts of pr that may hold placeholders.
func presetTexts(pr *Preset) []string {
	out := []string{pr.Issuer, pr.AuthorizeURL, pr.AccessTokenURL, pr.RequestTokenURL, pr.UserinfoURL, pr.RevokeURL, pr.DeviceAuthorizationURL, pr.Register, pr.APIBaseURL}
	for _, k := range slices.Sorted(maps.Keys(pr.AuthorizeParams)) {
		out = append(out, pr.AuthorizeParams[k])
	}
	return out
}

// presetUses reports whether pr's setting key holds one of the names as a
// placeholder.
func presetUses(pr *Preset, key string, names []string) bool {
	var texts []string
	switch key {
	case "issuer":
		texts = []string{pr.Issuer}
	case "authorize_url":
		texts = []string{pr.AuthorizeURL}
	case "access_token_url":
		texts = []string{pr.AccessTokenURL}
	case "request_token_url":
		texts = []string{pr.RequestTokenURL}
	case "userinfo_url":
		texts = []string{pr.UserinfoURL}
	case "revoke_url":
		texts = []string{pr.RevokeURL}
	case "device_authorization_url":
		texts = []string{pr.DeviceAuthorizationURL}
	case "authorize_params":
		texts = slices.Collect(maps.Values(pr.AuthorizeParams))
	}
	for _, t := range texts {
		for _, n := range names {
			if strings.Contains(t, "{"+n+"}") {
				return true
			}
		}
	}
	return false
}

// fillPlaceholders replaces each {name} of s with values[name] and
// {client_id} with clientID. A value followed by "/" in s loses its own
// trailing slash ("{base_url}/api" with "https://git.example.com/" is
// "https://git.example.com/api"); a placeholder that is the whole of s
// keeps it (an issuer's trailing slash counts).
func fillPlaceholders(s string, values map[string]string, clientID string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	for name, v := range values {
		s = strings.ReplaceAll(s, "{"+name+"}/", strings.TrimSuffix(v, "/")+"/")
		s = strings.ReplaceAll(s, "{"+name+"}", v)
	}
	if clientID != "" {
		s = strings.ReplaceAll(s, "{client_id}", clientID)
	}
	return s
}

// FillPreset is s, a text of preset pr (an endpoint, its Register page),
// with its placeholders filled from params (a param's Default when unset)
// and {client_id} from clientID; placeholders without a value are left as
// they are.
func FillPreset(pr *Preset, s string, params map[string]string, clientID string) string {
	values := map[string]string{}
	for _, pp := range pr.Params {
		v := strings.TrimSpace(params[pp.Name])
		if v == "" {
			v = pp.Default
		}
		if v != "" {
			values[pp.Name] = v
		}
	}
	return fillPlaceholders(s, values, clientID)
}

// unknownPreset is the problem of a preset id no preset has, naming the
// closest ones.
func unknownPreset(id string) string {
	msg := fmt.Sprintf("there is no preset %q", safeKey(id))
	if near := ClosestPresets(id); len(near) > 0 {
		quoted := make([]string, len(near))
		for i, n := range near {
			quoted[i] = strconv.Quote(n)
		}
		msg += ": did you mean " + strings.Join(quoted, " or ") + "?"
	}
	return msg + " docs/CONFIG.md lists every preset"
}

// ClosestPresets returns up to three preset ids close to id (a typo, a
// prefix), closest first.
func ClosestPresets(id string) []string {
	id = strings.ToLower(strings.TrimSpace(id))
	type cand struct {
		id string
		d  int
	}
	var cs []cand
	for _, pr := range Presets {
		d := editDistance(id, pr.ID)
		switch {
		case len(id) >= 3 && strings.HasPrefix(pr.ID, id):
			d = 0
		case id != "" && strings.HasPrefix(id, pr.ID):
			d = min(d, 1)
		}
		if d <= max(2, len(pr.ID)/3) {
			cs = append(cs, cand{pr.ID, d})
		}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].d < cs[b].d })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].id)
	}
	return out
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// safeKey keeps a key or id of the file to one short printable line for
// a problem.
func safeKey(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, s)
	if r := []rune(s); len(r) > 64 {
		s = string(r[:64]) + "…"
	}
	return s
}
