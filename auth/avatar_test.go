package auth

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"latchkey/auth/provider"
)

func encodePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAvatar(t *testing.T) {
	small := encodePNG(t, 48, 48)
	photo := encodeJPEG(t)
	wide := encodePNG(t, MaxAvatarSide+1, 1)
	big := append(append([]byte{}, small...), bytes.Repeat([]byte{0}, MaxAvatarBytes)...)
	huge := bytes.Repeat([]byte{0}, MaxResponseBytes+10)

	mux := http.NewServeMux()
	serve := func(path, contentType string, body []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if got := r.Header.Get("Accept"); !strings.Contains(got, "image/png") {
				t.Errorf("%s: Accept = %q, want image types", path, got)
			}
			w.Header().Set("Content-Type", contentType)
			w.Write(body)
		})
	}
	serve("/ada.png", "image/png", small)
	serve("/ada.jpg", "image/jpeg; charset=binary", photo)
	serve("/page", "text/html; charset=utf-8", []byte("<!doctype html><html><body>Sign in</body></html>"))
	serve("/json", "application/json", []byte(`{"error":"nope"}`))
	serve("/liar", "image/png", photo)
	serve("/garbage", "image/png", []byte("not a picture at all"))
	serve("/big", "image/png", big)
	serve("/huge", "image/png", huge)
	serve("/wide", "image/png", wide)
	mux.HandleFunc("/missing", http.NotFound)
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+"/ada.png", http.StatusFound)
	})
	mux.HandleFunc("/downgrade", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(srv.URL, "https:", "http:", 1)+"/ada.png", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+"/loop", http.StatusFound)
	})

	svc := New(Options{Config: &provider.Config{}, HTTPClient: srv.Client()})
	for _, tc := range []struct {
		name    string
		url     string
		want    []byte
		problem string // in the *AvatarError's Problem
		status  int
	}{
		{"png", srv.URL + "/ada.png", small, "", 0},
		{"jpeg with parameters", srv.URL + "/ada.jpg", photo, "", 0},
		{"https redirect followed", srv.URL + "/hop", small, "", 0},
		{"plain http refused", strings.Replace(srv.URL, "https:", "http:", 1) + "/ada.png", nil, "over https only", 0},
		{"not a URL", "https://[::1", nil, "over https only", 0},
		{"redirect to http refused", srv.URL + "/downgrade", nil, "redirects to a URL that is not https", 0},
		{"redirect loop", srv.URL + "/loop", nil, "redirects more than 5 times", 0},
		{"404", srv.URL + "/missing", nil, "was not served", 404},
		{"html page", srv.URL + "/page", nil, `is not a PNG, JPEG or GIF picture (Content-Type "text/html")`, 200},
		{"json", srv.URL + "/json", nil, `is not a PNG, JPEG or GIF picture (Content-Type "application/json")`, 200},
		{"label does not match", srv.URL + "/liar", nil, "labelled image/png but holds a JPEG picture", 200},
		{"not a picture", srv.URL + "/garbage", nil, "not a readable picture", 200},
		{"over MaxAvatarBytes", srv.URL + "/big", nil, "larger than 512 KiB", 200},
		{"over MaxResponseBytes", srv.URL + "/huge", nil, "larger than 512 KiB", 200},
		{"too many pixels", srv.URL + "/wide", nil, "4097×1 pixels", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := svc.Avatar(context.Background(), tc.url)
			if tc.problem == "" {
				if err != nil || !bytes.Equal(got, tc.want) {
					t.Fatalf("Avatar = %d bytes, %v; want the %d bytes served", len(got), err, len(tc.want))
				}
				return
			}
			var ae *AvatarError
			if !errors.As(err, &ae) || !strings.Contains(ae.Problem, tc.problem) || ae.Status != tc.status {
				t.Fatalf("Avatar error = %v, want an *AvatarError with status %d and %q", err, tc.status, tc.problem)
			}
			if got != nil {
				t.Errorf("Avatar returned %d bytes with an error", len(got))
			}
		})
	}
}

func TestAvatarErrorsHideTheQuery(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	svc := New(Options{Config: &provider.Config{}, HTTPClient: srv.Client()})
	for _, u := range []string{
		srv.URL + "/a.png?sig=SECRET-SIGNATURE",
		strings.Replace(srv.URL, "https:", "http:", 1) + "/a.png?sig=SECRET-SIGNATURE",
	} {
		_, err := svc.Avatar(context.Background(), u)
		if err == nil || strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), "/a.png") {
			t.Errorf("Avatar(%q) error = %v; want one naming the path without the query", u, err)
		}
	}
}

func TestAvatarCancelled(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	}))
	defer srv.Close()
	svc := New(Options{Config: &provider.Config{}, HTTPClient: srv.Client()})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	if _, err := svc.Avatar(ctx, srv.URL+"/slow.png"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Avatar after cancel = %v, want context.Canceled", err)
	}
}

// TestAvatarUnreachableInWords: a picture on a host that cannot be reached,
// or that is not trusted, fails in words, never Go's error text.
func TestAvatarUnreachableInWords(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + ln.Addr().String() + "/a.png"
	ln.Close()
	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	defer untrusted.Close()
	svc := New(Options{Config: &provider.Config{}})
	for u, want := range map[string]string{closed: "cannot be reached", untrusted.URL + "/a.png": "TLS certificate could not be verified"} {
		_, err := svc.Avatar(context.Background(), u)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "dial tcp") || strings.Contains(err.Error(), "x509") {
			t.Errorf("Avatar(%q) = %v, want %q in words", u, err, want)
		}
	}
}
