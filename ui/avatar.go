package ui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"latchkey/auth"
)

// avatarSize is the side of the profile picture, in Fyne units.
const avatarSize = 64

// avatarEntry is one profile picture, fetched once per window.
type avatarEntry struct {
	res fyne.Resource // nil while loading, or when it could not be had
}

// avatarView shows prof's picture when it has been fetched, and the
// person's initials otherwise; a picture not asked for yet is fetched in
// the background (Service.Avatar) and replaces the initials when it comes.
func (w *window) avatarView(prof auth.Profile) fyne.CanvasObject {
	if u := prof.Picture; u != "" {
		if e, ok := w.avatars[u]; !ok {
			w.avatars[u] = &avatarEntry{}
			w.queued = append(w.queued, u)
		} else if e.res != nil {
			return avatarImage(e.res)
		}
	}
	return initialsView(initials(prof.Display()))
}

// fetchQueued starts fetching the pictures avatarView asked for, each off
// the UI goroutine. It is called once the widgets are up to date (see
// apply). A failure is not shown: the initials stay.
func (w *window) fetchQueued() {
	entries := make([]*avatarEntry, len(w.queued))
	for i, u := range w.queued {
		entries[i] = w.avatars[u]
	}
	queued := w.queued
	w.queued = nil
	for i, u := range queued { // nothing of the window is touched from here
		go w.fetchAvatar(u, entries[i])
	}
}

// fetchAvatar runs in its own goroutine.
func (w *window) fetchAvatar(u string, e *avatarEntry) {
	ctx, cancel := background()
	defer cancel()
	data, err := w.svc.Avatar(ctx, u)
	w.apply(evAvatar, func() {
		if err != nil {
			return
		}
		e.res = fyne.NewStaticResource("avatar", data)
		if w.detail != nil {
			w.detail.setAvatar(u, e.res)
		}
	})
}

// avatarImage shows a picture in a circle.
func avatarImage(res fyne.Resource) fyne.CanvasObject {
	img := canvas.NewImageFromResource(res)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleSmooth
	img.CornerRadius = avatarSize / 2
	return container.NewGridWrap(fyne.NewSize(avatarSize, avatarSize), img)
}

// initialsView is the stand-in for a missing picture: the person's
// initials on a disc of the theme's primary colour.
func initialsView(s string) fyne.CanvasObject {
	disc := canvas.NewCircle(theme.Color(theme.ColorNamePrimary))
	text := canvas.NewText(s, theme.Color(theme.ColorNameForegroundOnPrimary))
	text.TextSize = avatarSize * 3 / 8
	text.TextStyle = fyne.TextStyle{Bold: true}
	text.Alignment = fyne.TextAlignCenter
	return container.NewGridWrap(fyne.NewSize(avatarSize, avatarSize), container.NewStack(disc, container.NewCenter(text)))
}

// initials are the first letters of the first and last words of name
// ("Ada Lovelace" → "AL"); an e-mail address or one word gives one letter.
func initials(name string) string {
	if at := strings.IndexByte(name, '@'); at > 0 && !strings.ContainsRune(name, ' ') {
		name = name[:at]
	}
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return "?"
	}
	first := func(w string) string {
		r, _ := utf8.DecodeRuneInString(w)
		return string(unicode.ToUpper(r))
	}
	if len(words) == 1 {
		return first(words[0])
	}
	return first(words[0]) + first(words[len(words)-1])
}
