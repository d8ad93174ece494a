package appinfo

import (
	"os"
	"regexp"
	"testing"
)

func TestParseFyneAppToml(t *testing.T) {
	b, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	info, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse(FyneApp.toml): %v", err)
	}
	if info.ID != "io.github.latchkey" || info.Name != "Latchkey" {
		t.Errorf("FyneApp.toml: ID %q, Name %q; the .desktop file, metainfo and packages expect io.github.latchkey, Latchkey", info.ID, info.Name)
	}
	// the same Version a line-by-line reader sees (.ci/package and
	// .ci/package-windows read it with sed)
	m := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]*)"\s*$`).FindSubmatch(b)
	if m == nil || string(m[1]) != info.Version {
		t.Errorf("Version %q, but the Version line says %q", info.Version, m)
	}
	if !regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(info.Version) {
		t.Errorf("Version %q is not x.y.z (the fyne tool and dpkg want that)", info.Version)
	}
}

func TestMetainfoReleaseIsTheVersion(t *testing.T) {
	b, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	info, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	xml, err := os.ReadFile("../../assets/linux/io.github.latchkey.metainfo.xml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<release version="([^"]+)"`).FindSubmatch(xml)
	if m == nil || string(m[1]) != info.Version {
		t.Errorf("the metainfo's newest <release> is %q, FyneApp.toml's Version %q: add a <release> for it", m, info.Version)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		"not toml = = =",
		"[Details]\n  Name = \"Latchkey\"\n  ID = \"io.github.latchkey\"\n", // no Version
		"",
	} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) accepted it", in)
		}
	}
}
