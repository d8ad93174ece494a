package loopback_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"latchkey/loopback"
)

// The caller starts the listener, puts its RedirectURI into the
// authorization URL, opens the browser (here a plain GET stands in for it)
// and waits for the one callback.
func Example() {
	srv, err := loopback.Start(loopback.Config{
		RedirectURI: "http://127.0.0.1/callback", // free port
		Check: func(q url.Values) error {
			if q.Get("state") != "s3cr3t-state" {
				return errors.New("This answer does not belong to this sign-in.")
			}
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	go func() { // the browser, redirected by the provider
		res, err := http.Get(srv.RedirectURI() + "?code=abc&state=s3cr3t-state")
		if err == nil {
			res.Body.Close()
		}
	}()

	query, err := srv.Wait(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("code:", query.Get("code"))
	// Output: code: abc
}
