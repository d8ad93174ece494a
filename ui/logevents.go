package ui

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"

	"latchkey/auth"
	"latchkey/auth/provider"
	"latchkey/ui/applog"
)

// The window's diagnostics (docs/ARCHITECTURE.md, "The log file"): what it
// did, for whom and how it ended, through log/slog, which main points at
// the log file (ui/applog). Only the provider's id, the event, its
// outcome and, for a failure, the error's types and the words the person
// was shown: never a token, code, secret or verifier, and never an error's
// own text (it may quote a provider's answer). applog's handler redacts
// all the same, should a value come this way by mistake.

// logStarted records that what (e.g. "sign-in", "refresh") started for
// provider p.
func logStarted(what string, p *provider.Provider) {
	slog.Info(what+" started", "provider", p.ID, "protocol", string(p.Protocol))
}

// logOutcome records how what ended for provider p: finished, cancelled,
// or failed with the error's types and the window's words for it.
func logOutcome(what string, p *provider.Provider, err error, attrs ...any) {
	args := append([]any{"provider", p.ID}, attrs...)
	switch {
	case err == nil:
		slog.Info(what+" finished", args...)
	case errors.Is(err, context.Canceled):
		slog.Info(what+" cancelled", args...)
	default:
		args = append(args, "error_type", applog.ErrorTypes(err), "words", auth.Describe(err, auth.Window))
		slog.Warn(what+" failed", args...)
	}
}

// ensureConfigFolder creates the config file's folder (0700) on a first
// run, so that the folder the window names exists and providers.toml can
// be put there. A failure is logged; the window's empty state says what to
// do when the person tries to use the folder (openConfigFolder).
func ensureConfigFolder(cfg *provider.Config) {
	if !cfg.Missing || cfg.Path == "" {
		return
	}
	dir := filepath.Dir(cfg.Path)
	if _, err := os.Stat(dir); err == nil {
		return
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		slog.Warn("could not create the config folder", "folder", dir, "error_type", applog.ErrorTypes(err))
		return
	}
	slog.Info("created the config folder", "folder", dir)
}
