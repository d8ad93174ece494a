package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// pickItem is one row of the picker: a preset, or a custom entry of a
// protocol.
type pickItem struct {
	preset   *provider.Preset // nil: custom
	protocol provider.Protocol
	name     string
	note     string
	demo     bool // the built-in demo provider (window.tryDemo)
}

// pickItems are the presets, in their order, then the custom entries.
func pickItems() []pickItem {
	out := []pickItem{{demo: true, name: lang.L("Demo (on this computer)"),
		note: lang.L("No account needed: a sign-in server on this computer only, to see a whole sign-in (OpenID Connect and OAuth 1.0a).")}}
	for i := range provider.Presets {
		p := &provider.Presets[i]
		out = append(out, pickItem{preset: p, protocol: p.Protocol, name: p.Name, note: p.Note})
	}
	for _, proto := range provider.Protocols {
		name := lang.X("picker.custom", "Custom {{.Protocol}}", map[string]any{"Protocol": auth.CapabilitiesOf(&provider.Provider{Protocol: proto}).Protocol})
		out = append(out, pickItem{protocol: proto, name: name, note: provider.SchemaOf(proto).CustomNote})
	}
	return out
}

// matches reports whether the item answers the search q (its name or
// preset id contains it, ignoring case). Custom entries always show.
func (it pickItem) matches(q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" || it.preset == nil {
		return !it.demo || q == "" || strings.Contains("demo", q)
	}
	return strings.Contains(strings.ToLower(it.name), q) || strings.Contains(it.preset.ID, q)
}

// picker is the first step of Add provider: the presets, searchable,
// and the custom entries; picking one opens the form for it.
type picker struct {
	w      *window
	search *textEntry
	list   *list
	all    []pickItem
	shown  []pickItem
	why    *widget.Label // why an unsupported preset cannot be added
	dlg    *dialog.CustomDialog
}

// showPicker opens the picker (Add provider).
func (w *window) showPicker() {
	if w.picker != nil || w.editor != nil {
		return
	}
	pk := &picker{w: w, all: pickItems()}
	pk.shown = pk.all
	pk.search = newEntry(&widget.Entry{Wrapping: fyne.TextWrap(fyne.TextTruncateClip)})
	pk.search.SetPlaceHolder(lang.L("Search providers"))
	pk.search.OnChanged = pk.filter
	pk.why = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	pk.why.Hide()
	pk.list = newList(
		func() int { return len(pk.shown) },
		func() fyne.CanvasObject { return newPickRow() },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*pickRow).set(pk.shown[i]) },
	)
	pk.list.OnSelected = pk.pick
	cancel := newButton(&widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: pk.close})
	top := container.NewVBox(wrapped(lang.L("Pick the provider to sign in to. Its entry in providers.toml starts from what Latchkey knows about it; you add the client id of the app you register there.")), pk.search)
	content := container.NewBorder(top, pk.why, nil, nil, pk.list)
	pk.dlg = dialog.NewCustomWithoutButtons(lang.L("Add provider"), content, w.win)
	pk.dlg.SetButtons([]fyne.CanvasObject{cancel})
	size := w.win.Canvas().Size()
	pk.dlg.Resize(fyne.NewSize(fyne.Min(640, size.Width-2*theme.Padding()), size.Height-4*theme.Padding()))
	w.picker = pk
	w.escape = pk.close
	pk.dlg.Show()
	w.win.Canvas().Focus(pk.search)
}

// filter shows the items that match q.
func (pk *picker) filter(q string) {
	pk.shown = nil
	for _, it := range pk.all {
		if it.matches(q) {
			pk.shown = append(pk.shown, it)
		}
	}
	pk.why.Hide()
	pk.list.UnselectAll()
	pk.list.Refresh()
}

// pick opens the form for item i, or says why an unsupported preset
// cannot be added.
func (pk *picker) pick(i widget.ListItemID) {
	it := pk.shown[i]
	if it.demo {
		pk.close()
		pk.w.tryDemo()
		return
	}
	if it.preset != nil && it.preset.Unsupported != "" {
		pk.why.SetText(lang.X("picker.unsupported", "{{.Provider}} cannot be added: {{.Reason}}", map[string]any{"Provider": it.name, "Reason": it.preset.Unsupported}))
		pk.why.Show()
		pk.list.UnselectAll()
		return
	}
	pk.close()
	e := pk.w.newEditor(it.protocol, it.preset)
	e.build()
	e.show()
}

func (pk *picker) close() {
	pk.dlg.Hide()
	if pk.w.picker == pk {
		pk.w.picker = nil
		pk.w.escape = nil
	}
}

// pickRow shows an item's name and protocol over its note; an
// unsupported preset is marked.
type pickRow struct {
	widget.BaseWidget
	name, note *widget.Label
	protocol   *widget.RichText
	mark       *widget.Icon
}

func newPickRow() *pickRow {
	r := &pickRow{
		name:     &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		note:     &widget.Label{SizeName: theme.SizeNameCaptionText, Truncation: fyne.TextTruncateEllipsis},
		protocol: widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameCaptionText, Inline: true}}),
		mark:     widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())),
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *pickRow) set(it pickItem) {
	name := it.name
	if it.preset != nil && it.preset.Unsupported != "" {
		name += lang.X("picker.notsupported", " · not supported")
		r.mark.Show()
	} else {
		r.mark.Hide()
	}
	r.name.SetText(name)
	label := auth.CapabilitiesOf(&provider.Provider{Protocol: it.protocol}).Protocol
	if it.demo {
		label = lang.X("picker.demo", "Demo")
	}
	r.protocol.Segments[0].(*widget.TextSegment).Text = label
	r.protocol.Refresh()
	r.note.SetText(it.note)
}

// CreateRenderer lays the row out as two tight lines.
func (r *pickRow) CreateRenderer() fyne.WidgetRenderer {
	top := container.NewBorder(nil, nil, r.mark, r.protocol, r.name)
	return widget.NewSimpleRenderer(container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), top, r.note))
}
