package provider

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite the preset table in docs/CONFIG.md")

const (
	configDoc  = "../../docs/CONFIG.md"
	tableBegin = "<!-- presets:begin -->"
	tableEnd   = "<!-- presets:end -->"
)

// presetTable renders Presets as the Markdown table of docs/CONFIG.md.
func presetTable() string {
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	var b strings.Builder
	b.WriteString("| preset | provider | protocol | params | redirect port | sign-in with a code | links | before you register |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, p := range Presets {
		proto := map[Protocol]string{OAuth2: "OAuth 2.0", OIDC: "OpenID Connect", OAuth1: "OAuth 1.0a"}[p.Protocol]
		var params []string
		for _, pp := range p.Params {
			s := "`" + pp.Name + "`"
			if pp.Default != "" {
				s += " (default `" + pp.Default + "`)"
			}
			params = append(params, s)
		}
		device := ""
		if p.Device {
			device = "yes"
		}
		port := "fixed: set `redirect_uri` with a port"
		if p.AnyPort {
			port = "any"
		}
		register := "[register](" + p.Register + ")"
		if strings.Contains(p.Register, "{") { // a placeholder: not a link
			register = "register at `" + p.Register + "`"
		}
		note := p.Note
		if p.Unsupported != "" {
			note = "**Not yet:** " + p.Unsupported
		}
		b.WriteString("| `" + p.ID + "` | " + cell(p.Name) + " | " + proto + " | " + strings.Join(params, ", ") + " | " + port + " | " + device +
			" | [docs](" + p.Docs + "), " + register + " | " + cell(note) + " |\n")
	}
	return b.String()
}

// TestPresetTableInDocs: the preset table in docs/CONFIG.md is the one
// rendered from Presets (go test ./auth/provider -run TestPresetTableInDocs
// -update rewrites it), so it never drifts.
func TestPresetTableInDocs(t *testing.T) {
	data, err := os.ReadFile(configDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start := strings.Index(doc, tableBegin)
	end := strings.Index(doc, tableEnd)
	if start < 0 || end < start {
		t.Fatalf("%s has no %s … %s block", configDoc, tableBegin, tableEnd)
	}
	want := tableBegin + "\n" + presetTable() + tableEnd
	got := doc[start : end+len(tableEnd)]
	if got == want {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(configDoc, []byte(doc[:start]+want+doc[end+len(tableEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the preset table in %s is not the one Presets give; run go test ./auth/provider -run TestPresetTableInDocs -update\n--- in the docs\n%s\n--- from Presets\n%s", configDoc, got, want)
}
