package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// presetJSON is `providers presets --json`'s output; a contract with scripts.
type presetJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Protocol    string   `json:"protocol"`
	Note        string   `json:"note"`
	Docs        string   `json:"docs"`
	Register    string   `json:"register"`
	Params      []string `json:"params"`
	Device      bool     `json:"device"`
	Unsupported string   `json:"unsupported,omitempty"`
}

// presets lists the providers Latchkey knows: id, name, protocol and a
// one-line note (with --json, everything a script needs to pick one).
func (c *runner) presets(_ context.Context, _ []string) error {
	if c.json {
		out := make([]presetJSON, 0, len(provider.Presets))
		for _, p := range provider.Presets {
			j := presetJSON{ID: p.ID, Name: p.Name, Protocol: string(p.Protocol), Note: p.Note, Docs: p.Docs, Register: p.Register,
				Params: []string{}, Device: p.Device, Unsupported: p.Unsupported}
			for _, pp := range p.Params {
				j.Params = append(j.Params, pp.Name)
			}
			out = append(out, j)
		}
		enc := json.NewEncoder(c.jsonOut)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, lang.X("cli.presets.header", "ID\tNAME\tPROTOCOL\tNOTE"))
	for _, p := range provider.Presets {
		note := p.Note
		if p.Unsupported != "" {
			note = lang.X("cli.presets.notyet", "not yet: {{.Reason}}", map[string]any{"Reason": p.Unsupported})
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.ID, p.Name, auth.CapabilitiesOf(&provider.Provider{Protocol: p.Protocol}).Protocol, note)
	}
	return tw.Flush()
}
