package lang

import (
	"bytes"
	"log"
	"os"
	"reflect"
	"sync"
	"testing"
)

func TestSystemLanguages(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "ko_KR.UTF-8"}, "ko"},
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "ko"}, "ko"}, // as gettext: only plain C ignores LANGUAGE
		{map[string]string{"LC_ALL": "C", "LANGUAGE": "ko"}, "en"},
		{map[string]string{"LANG": "POSIX", "LANGUAGE": "ko"}, "en"},
		{map[string]string{"LANG": "de_DE.UTF-8"}, "en"},
		{map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "de:ko_KR"}, "ko"},
		{map[string]string{"LC_MESSAGES": "ko_KR.UTF-8", "LANG": "en_GB.UTF-8"}, "ko"},
		{map[string]string{"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "ko_KR.UTF-8"}, "en"},
		{map[string]string{"LANG": "ko_KR.UTF-8", EnvLang: "en"}, "en"},
		{map[string]string{"LANG": "C.UTF-8", EnvLang: "ko-KR"}, "ko"},
		{map[string]string{"LANGUAGE": "ko"}, "ko"},
	} {
		env := func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }
		if got := match(systemLanguages(env)); got != c.want {
			t.Errorf("%v: got %q, want %q", c.env, got, c.want)
		}
	}
}

// TestUse: Use switches Latchkey's words and Fyne's own, and back.
func TestUse(t *testing.T) {
	t.Cleanup(func() { Use("en") })
	if got := Use("ko_KR.UTF-8"); got != "ko" || Current() != "ko" {
		t.Fatalf("Use(ko_KR.UTF-8) chose %q (Current %q)", got, Current())
	}
	if got := L("Cancel"); got != "취소" {
		t.Errorf("Fyne's Cancel in Korean: %q", got)
	}
	if got := Use("en"); got != "en" {
		t.Fatalf("Use(en) chose %q", got)
	}
	if got := L("Cancel"); got != "Cancel" {
		t.Errorf("Cancel in English: %q", got)
	}
	if got := Use("fr"); got != "en" {
		t.Errorf("Use(fr) chose %q, want the fallback en", got)
	}
	if got, want := Languages(), []Language{{"en", "English"}, {"ko", "한국어"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Languages() = %v", got)
	}
}

// TestFirstWordLogsNothing: under LANG=C.UTF-8 (a common container
// locale, and the Makefile's), the first word asked for registers the
// files without Fyne logging "Error parsing user locale C" — that went to
// the command line's stderr once the files were registered lazily.
func TestFirstWordLogsNothing(t *testing.T) {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", EnvLang} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("LANG", "C.UTF-8")
	var buf bytes.Buffer
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetOutput(os.Stderr); Use("") })
	setup = sync.Once{} // as in a new process
	if got := L("Sign in"); got != "Sign in" {
		t.Errorf("L(Sign in) under C.UTF-8 = %q, want English", got)
	}
	if buf.Len() != 0 {
		t.Errorf("the first word logged:\n%s", buf.String())
	}
}
