package toolcheck

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func sh(t *testing.T) string {
	t.Helper()
	p, err := Tool{Names: []string{"sh"}, Package: "dash"}.Look()
	if err != nil {
		t.Skip(err)
	}
	return p
}

func TestLookMissing(t *testing.T) {
	_, err := Tool{Names: []string{"no-such-tool-nianbao"}, Package: "nothing"}.Look()
	if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "apt-get install nothing") {
		t.Fatalf("err = %v", err)
	}
}

func TestRun(t *testing.T) {
	shell := sh(t)
	ctx := context.Background()
	dir, cleanup, err := TempDir("toolcheck-test-")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(ctx, Command{Path: shell, Args: []string{"-c", `printf "%s" "$HOME"; touch f`}, Dir: dir})
	if err != nil || string(out) != dir {
		t.Fatalf("out %q err %v, want HOME=%s", out, err, dir)
	}
	if _, err := os.Stat(dir + "/f"); err != nil {
		t.Fatalf("program did not run in Dir: %v", err)
	}
	cleanup()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("temp dir survived cleanup: %v", err)
	}

	_, err = Run(ctx, Command{Path: shell, Args: []string{"-c", "echo bad password >&2; exit 3"}})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 || ee.Stderr != "bad password" {
		t.Fatalf("err = %#v", err)
	}

	start := time.Now()
	// The child sleep must die with the group, or Run would wait for it.
	_, err = Run(ctx, Command{Path: shell, Args: []string{"-c", "sleep 30 & sleep 30"}, Timeout: 200 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("timeout: err %v after %s", err, time.Since(start))
	}

	_, err = Run(ctx, Command{Path: shell, Args: []string{"-c", "while :; do echo xxxxxxxxxxxxxxxx; done"}, MaxOutput: 1000, Timeout: 10 * time.Second})
	if !errors.Is(err, ErrOutputLimit) {
		t.Fatalf("output limit: err %v", err)
	}
}
