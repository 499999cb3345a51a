// Command nianbao harvests Chinese government information-disclosure annual
// reports, archives every response in WARC, extracts their statistical
// tables into validated records and writes Hive-partitioned Parquet.
//
// This package only wires the stages together: configs → crawler →
// crawler/warc → extract → store. Each subcommand lives in its own file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes, documented in the README.
const (
	exitOK          = 0 // done
	exitFailed      = 1 // the run failed (I/O error, unreadable input, ...)
	exitUsage       = 2 // bad command line or configuration
	exitUnreachable = 3 // finished, but some portals could not be reached
)

// command is one subcommand. run returns an exit code; errors it cannot
// handle itself are printed by main.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, env *env, args []string) error
}

// env is what every command gets: its streams, so tests can run commands
// in-process.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	isTerminal     bool // stderr is a terminal: show progress and colour
}

func commands() []command {
	return []command{
		{"parse", "[--format tsv|jsonl] FILE...", "extract the tables of report files and print them", runParse},
		{"extract", "--out DIR [--archive DIR] [FILE|DIR...]", "extract report files or an archive into Parquet datasets", runExtract},
		{"crawl", "--config FILE --data DIR [--shard i/n]", "harvest the configured portals into a WARC archive", runCrawl},
		{"run", "--config FILE --data DIR [--shard i/n]", "the nightly job: crawl, archive, extract the changes, update Parquet", runRun},
		{"demo", "[--data DIR]", "run the whole job against a simulated portal farm on loopback", runDemo},
		{"version", "", "print the version", runVersion},
	}
}

// exitError carries an exit code through the error chain.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, isTerminal: isTerminal(os.Stderr)}
	os.Exit(mainArgs(ctx, e, os.Args[1:]))
}

func mainArgs(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		if err == nil {
			return exitOK
		}
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.err != nil && !errors.Is(ee.err, flag.ErrHelp) && ee.err.Error() != "" {
				fmt.Fprintf(e.stderr, "nianbao %s: %v\n", c.name, ee.err)
			}
			if errors.Is(ee.err, flag.ErrHelp) {
				return exitOK
			}
			return ee.code
		}
		fmt.Fprintf(e.stderr, "nianbao %s: %v\n", c.name, err)
		return exitFailed
	}
	fmt.Fprintf(e.stderr, "nianbao: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "nianbao: harvest and extract government information-disclosure annual reports (政府信息公开工作年度报告)")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  nianbao %-8s %s\n      %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'nianbao COMMAND -h' for the flags of a command.")
	fmt.Fprintln(w, "Exit codes: 0 done, 1 failed, 2 bad usage or configuration, 3 finished with portals unreachable.")
}

// newFlagSet makes a flag set that reports errors instead of exiting.
func newFlagSet(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: nianbao %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses flags wherever they stand among the arguments (the
// standard library stops at the first file name), keeps the file names in
// order, and turns flag errors into usage errors. "--" ends the flags.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return &exitError{code: exitOK, err: flag.ErrHelp}
			}
			return &exitError{code: exitUsage, err: errors.New("")}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			files = append(files, rest...)
			break
		}
		files = append(files, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, files...))
}

var version = "dev" // set with -ldflags "-X main.version=..."

func runVersion(_ context.Context, e *env, _ []string) error {
	fmt.Fprintln(e.stdout, "nianbao", version)
	return nil
}
