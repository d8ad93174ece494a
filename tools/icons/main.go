// Command icons writes an application icon in the sizes of the freedesktop
// hicolor theme: icons SRC.png DIR NAME writes DIR/NxN/apps/NAME.png for
// each size in Sizes (scaled with Catmull-Rom from SRC, which should be at
// least as large as the largest size it is scaled down to; larger sizes are
// scaled up). make package and make install use it (.ci/package).
package main

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"
)

// Sizes are the hicolor sizes Latchkey's icon is installed in.
var Sizes = []int{16, 22, 24, 32, 48, 64, 128, 256, 512}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: icons SRC.png DIR NAME")
		os.Exit(2)
	}
	if err := write(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "icons:", err)
		os.Exit(1)
	}
}

func write(src, dir, name string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	for _, n := range Sizes {
		out := filepath.Join(dir, fmt.Sprintf("%dx%d", n, n), "apps", name+".png")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := save(out, scale(img, n)); err != nil {
			return err
		}
	}
	return nil
}

// scale returns img drawn into an n×n square.
func scale(img image.Image, n int) image.Image {
	dst := image.NewNRGBA(image.Rect(0, 0, n, n))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	return dst
}

func save(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
