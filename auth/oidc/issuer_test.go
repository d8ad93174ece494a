package oidc

import (
	"context"
	"fmt"
	"testing"
)

func TestDiscoverFailureNotKept(t *testing.T) {
	f, _, _ := newTestSetup(t)
	f.fail = fmt.Errorf("down")
	var c Cache
	if _, err := c.Discover(context.Background(), f.source(), testIssuer); err == nil {
		t.Fatal("a failed discovery succeeded")
	}
	for range 2 {
		if _, err := c.Discover(context.Background(), f.source(), testIssuer); err != nil {
			t.Fatalf("Discover after the failure: %v", err)
		}
	}
	if n := f.count("discovery"); n != 3 { // newTestSetup's, the failure, one more
		t.Errorf("discovery fetched %d times, want 3", n)
	}
}
