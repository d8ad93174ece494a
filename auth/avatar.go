package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers GIF for DecodeConfig (and for the window's decoder)
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// MaxAvatarBytes bounds a profile picture. Avatars are a few tens of KB;
// 512 KiB is generous and keeps a hostile URL from filling memory.
const MaxAvatarBytes = 512 << 10

// MaxAvatarSide bounds the width and height of a profile picture in pixels,
// so that a small file cannot decode into a huge image.
const MaxAvatarSide = 4096

// maxAvatarRedirects bounds the redirects followed for one picture.
const maxAvatarRedirects = 5

// avatarTypes are the picture formats Avatar accepts, by Content-Type, with
// the name image.DecodeConfig gives each.
var avatarTypes = map[string]string{
	"image/png":  "png",
	"image/jpeg": "jpeg",
	"image/gif":  "gif",
}

// AvatarError says why a profile picture could not be fetched. URL is
// scheme://host/path only: some providers sign picture URLs, and a query
// may carry credentials.
type AvatarError struct {
	URL     string
	Status  int    // HTTP status, when an answer came
	Problem string // what was wrong, e.g. "is not a PNG, JPEG or GIF picture"
}

func (e *AvatarError) Error() string {
	s := fmt.Sprintf("the profile picture at %s %s", e.URL, e.Problem)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	return s + "; the window shows initials instead"
}

// Avatar fetches the profile picture at rawURL (a Profile.Picture) for the
// window to show. It sends one GET through the Service's HTTP client and
// returns the picture's bytes, checked to be a PNG, JPEG or GIF (by its
// Content-Type and by decoding its header) of at most MaxAvatarBytes and
// MaxAvatarSide pixels a side. Only https URLs are fetched, redirects
// included (at most 5), with the TLS settings and timeout of the Service's
// client. Every failure is an *AvatarError, except ctx's own
// error when ctx ends first. It blocks on the network: call it off the UI
// goroutine. Safe for concurrent use.
func (s *Service) Avatar(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		where := "(not a URL)"
		if err == nil {
			where = endpointURL(rawURL)
		}
		return nil, &AvatarError{URL: where, Problem: "was not fetched: Latchkey fetches profile pictures over https only"}
	}
	where := u.Scheme + "://" + u.Host + u.Path
	fail := func(status int, format string, args ...any) error {
		return &AvatarError{URL: where, Status: status, Problem: fmt.Sprintf(format, args...)}
	}

	// A picture is not a protocol answer: it goes straight to the base
	// transport (TLS settings and timeouts as the caller configured them),
	// without guard, whose HTML refusal would also refuse the small HTML
	// body of an ordinary redirect. The checks guard makes that matter here
	// (https, size) are made below.
	// It carries no credential (no Authorization header, no cookie jar:
	// only the URL the profile named), so, unlike the guard's rule for
	// provider requests (checkRedirect), its redirects may leave the origin
	// (pictures live on CDNs); they stay https and bounded.
	client := *s.http
	if g, ok := client.Transport.(*guard); ok {
		client.Transport = g.next
	}
	client.Jar = nil
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fail(0, "redirects to a URL that is not https")
		}
		if len(via) >= maxAvatarRedirects {
			return fail(0, "redirects more than %d times", maxAvatarRedirects)
		}
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fail(0, "is not a usable URL")
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/gif")
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ae *AvatarError
		if errors.As(err, &ae) {
			return nil, ae
		}
		return nil, fail(0, "%s", netFailure(err).problem())
	}
	defer resp.Body.Close()
	if ctx.Err() != nil { // cancelled while the answer came: a cancel, not a bad answer
		return nil, ctx.Err()
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fail(resp.StatusCode, "was not served")
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	format, ok := avatarTypes[ct]
	if !ok {
		return nil, fail(resp.StatusCode, "is not a PNG, JPEG or GIF picture (Content-Type %q)", ct)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAvatarBytes+1))
	if err != nil {
		return nil, fail(resp.StatusCode, "%s", netFailure(err).problem())
	}
	if len(body) > MaxAvatarBytes {
		return nil, fail(resp.StatusCode, "is larger than %d KiB", MaxAvatarBytes>>10)
	}
	cfg, got, err := image.DecodeConfig(bytes.NewReader(body))
	switch {
	case err != nil:
		return nil, fail(resp.StatusCode, "is labelled %s but is not a readable picture", ct)
	case got != format:
		return nil, fail(resp.StatusCode, "is labelled %s but holds a %s picture", ct, strings.ToUpper(got))
	case cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxAvatarSide || cfg.Height > MaxAvatarSide:
		return nil, fail(resp.StatusCode, "is %d×%d pixels; at most %d a side is shown", cfg.Width, cfg.Height, MaxAvatarSide)
	}
	return body, nil
}
