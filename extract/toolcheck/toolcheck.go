// Package toolcheck finds and runs the external programs the document
// readers shell out to (poppler's pdftotext, LibreOffice, antiword). A
// missing tool is reported by name together with the Debian package that
// provides it, so the rest of the pipeline can run without it. Every run
// has a timeout, a cap on its output and a private temporary directory that
// is removed however the run ends; on timeout the whole process group is
// killed, because LibreOffice forks a child that would otherwise linger.
package toolcheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// ErrMissing is wrapped when none of a tool's program names is on PATH.
var ErrMissing = errors.New("external tool not installed")

// ErrOutputLimit is wrapped when a program writes more than allowed.
var ErrOutputLimit = errors.New("external tool output exceeds the limit")

// Tool is an external program and the Debian package that installs it.
type Tool struct {
	Names   []string // program names tried in order, e.g. soffice, libreoffice
	Package string   // Debian package, for the error message
}

// Look returns the path of the first of t.Names found on PATH.
func (t Tool) Look() (string, error) {
	for _, n := range t.Names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH (apt-get install %s): %w", strings.Join(t.Names, " or "), t.Package, ErrMissing)
}

// The tools the readers use.
var (
	PDFToText   = Tool{Names: []string{"pdftotext"}, Package: "poppler-utils poppler-data"}
	LibreOffice = Tool{Names: []string{"soffice", "libreoffice"}, Package: "libreoffice-writer-nogui libreoffice-calc-nogui"}
	Antiword    = Tool{Names: []string{"antiword"}, Package: "antiword"}
)

// Command is one run of an external program.
type Command struct {
	Path string
	Args []string
	// Dir is the working directory; it is also given to the program as HOME
	// and TMPDIR, so nothing it writes escapes the run's temporary directory.
	Dir string
	// Env holds extra KEY=value pairs.
	Env       []string
	Timeout   time.Duration // 0: no timeout beyond ctx
	MaxOutput int64         // cap on stdout; 0: 64 MiB
}

// ExitError reports a program that ran and failed.
type ExitError struct {
	Program string
	Code    int    // exit status, -1 if killed by a signal
	Stderr  string // the last part of its standard error
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("%s: exit status %d", e.Program, e.Code)
	if e.Stderr != "" {
		msg += ": " + e.Stderr
	}
	return msg
}

// Run runs c and returns its standard output.
func Run(ctx context.Context, c Command) ([]byte, error) {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	limit := c.MaxOutput
	if limit <= 0 {
		limit = 64 << 20
	}
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Dir = c.Dir
	cmd.Env = os.Environ()
	if c.Dir != "" {
		cmd.Env = append(cmd.Env, "HOME="+c.Dir, "TMPDIR="+c.Dir)
	}
	cmd.Env = append(cmd.Env, c.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// Kill the whole group: soffice is a wrapper around soffice.bin.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 2 * time.Second
	stdout := &capped{limit: limit}
	stderr := &capped{limit: 4096, keepTail: true}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	name := c.Path[strings.LastIndexByte(c.Path, '/')+1:]
	if stdout.over {
		return nil, fmt.Errorf("%s: more than %d bytes of output: %w", name, limit, ErrOutputLimit)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("%s: %w", name, ctxErr)
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, &ExitError{Program: name, Code: ee.ExitCode(), Stderr: strings.TrimSpace(stderr.buf.String())}
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return stdout.buf.Bytes(), nil
}

// TempDir makes a private directory for one run. The caller defers the
// returned cleanup, which also runs when the caller panics.
func TempDir(prefix string) (string, func(), error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", func() {}, fmt.Errorf("temporary directory: %w", err)
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// capped is a writer that keeps at most limit bytes: the head (stdout, and
// it then reports overflow) or the tail (stderr, where the reason is).
type capped struct {
	buf      bytes.Buffer
	limit    int64
	keepTail bool
	over     bool
}

func (w *capped) Write(p []byte) (int, error) {
	if w.keepTail {
		w.buf.Write(p)
		if n := int64(w.buf.Len()); n > w.limit {
			tail := append([]byte(nil), w.buf.Bytes()[n-w.limit:]...)
			w.buf.Reset()
			w.buf.Write(tail)
		}
		return len(p), nil
	}
	if int64(w.buf.Len()+len(p)) > w.limit {
		w.over = true
		// Failing the write makes the program see EPIPE and stop early.
		return 0, ErrOutputLimit
	}
	return w.buf.Write(p)
}
