package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/nianbao/nianbao/extract"
	"github.com/nianbao/nianbao/store/storetest"
)

// The crash tests run a writer in a child process (this test binary,
// re-executed) and SIGKILL it mid-commit, then check the dataset on disk.

const (
	envRoot  = "NIANBAO_STORE_CRASH_ROOT"
	envStage = "NIANBAO_STORE_CRASH_STAGE" // stage:n kills at the n-th time the stage is reached
)

// Run A: reports 0–59. Run B: reports 30–89 with new content for all of
// them, so B replaces half of A and adds as many new reports.
func runA() []*extract.Report { return synth(0, 60, 1) }
func runB() []*extract.Report { return synth(30, 90, 2) }

func synth(from, to, version int) []*extract.Report {
	var reps []*extract.Report
	for i := from; i < to; i++ {
		reps = append(reps, storetest.Synthetic(i, version))
	}
	return reps
}

// crashOpts makes run B spill and merge: several runs per partition.
func crashOpts(o *Options) { o.BufferRows = 2000 }

// TestCrashChild is the child: it commits run B and dies where told.
func TestCrashChild(t *testing.T) {
	root := os.Getenv(envRoot)
	if root == "" {
		t.Skip("only run as the child of TestKilledWriter")
	}
	if spec := os.Getenv(envStage); spec != "" {
		stage, nth, _ := strings.Cut(spec, ":")
		n, _ := strconv.Atoi(nth)
		seen := 0
		testHook = func(s string) {
			if s == stage {
				if seen++; seen == n {
					syscall.Kill(os.Getpid(), syscall.SIGKILL)
				}
			}
		}
	}
	ctx := context.Background()
	o := Options{Root: root, ExtractorVersion: "v2"}
	crashOpts(&o)
	s, err := Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	for i, rep := range runB() {
		if err := s.Add(ctx, rep, originOf(rep, i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestKilledWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns writer processes")
	}
	// The two states a reader may see: before run B and after it.
	refA, refB := t.TempDir(), t.TempDir()
	write(t, refA, "v1", runA())
	write(t, refB, "v1", runA())
	write(t, refB, "v2", runB(), crashOpts)
	wantA, wantB := snapshot(t, refA), snapshot(t, refB)
	if slices.Equal(wantA, wantB) {
		t.Fatal("runs A and B give the same dataset; the test would prove nothing")
	}

	// Kill points: at named stages of the commit, and at random times.
	kills := []string{"spilled:2", "merged:1", "merged:50", "journaled:1", "renamed:1", "renamed:60", "published:1"}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for range 3 {
		kills = append(kills, fmt.Sprintf("after:%dms", 50+rng.IntN(600)))
	}
	for _, kill := range kills {
		t.Run(kill, func(t *testing.T) {
			root := t.TempDir()
			write(t, root, "v1", runA())

			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), envRoot+"="+root)
			if !strings.HasPrefix(kill, "after:") {
				cmd.Env = append(cmd.Env, envStage+"="+kill)
			}
			out := &strings.Builder{}
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if ms, ok := strings.CutPrefix(kill, "after:"); ok {
				d, _ := time.ParseDuration(ms)
				timer := time.AfterFunc(d, func() { cmd.Process.Kill() })
				defer timer.Stop()
			}
			err := cmd.Wait()
			killed := false
			if ee, ok := err.(*exec.ExitError); ok {
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
					killed = true
				}
			}
			if !killed && err != nil {
				t.Fatalf("child failed without being killed: %v\n%s", err, out)
			}
			t.Logf("killed=%v", killed)

			// Readers running now, before any recovery, see only complete
			// files, and each partition either before or after run B.
			checkReadable(t, root)
			journal := exists(filepath.Join(root, journalName))
			now := snapshot(t, root)
			if !journal && !slices.Equal(now, wantA) && !slices.Equal(now, wantB) {
				t.Errorf("without a journal the dataset is neither the old nor the new one (%d rows)", len(now))
			}
			checkPartitionsAorB(t, root, refA, refB)

			// The next Open completes or discards the commit.
			s, err := Open(context.Background(), Options{Root: root, ExtractorVersion: "v2"})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			assertClean(t, root)
			after := snapshot(t, root)
			switch {
			case slices.Equal(after, wantB):
				t.Logf("recovered to the new dataset (journal=%v)", journal)
			case slices.Equal(after, wantA):
				if journal {
					t.Error("a journal was present but the commit was not completed")
				}
			default:
				t.Fatalf("after recovery the dataset is neither the old nor the new one (%d rows; old %d, new %d)", len(after), len(wantA), len(wantB))
			}

			// Re-running B converges on the new dataset.
			write(t, root, "v2", runB(), crashOpts)
			if got := snapshot(t, root); !slices.Equal(got, wantB) {
				t.Fatalf("re-run after the crash: %d rows, want %d", len(got), len(wantB))
			}
			assertClean(t, root)
		})
	}
}

// checkReadable reads every published file to the end.
func checkReadable(t *testing.T, root string) {
	t.Helper()
	for _, ds := range []string{Reports, Cells, Checks} {
		for _, f := range publishedFiles(t, root, ds) {
			pf, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := pf.Stat()
			file, err := parquet.OpenFile(pf, st.Size())
			if err != nil {
				t.Errorf("%s: %v", f, err)
				pf.Close()
				continue
			}
			r := parquet.NewReader(file)
			buf := make([]parquet.Row, 256)
			var n int64
			for {
				k, err := r.ReadRows(buf)
				n += int64(k)
				if err != nil {
					break
				}
			}
			if n != file.NumRows() {
				t.Errorf("%s: read %d of %d rows", f, n, file.NumRows())
			}
			r.Close()
			pf.Close()
		}
	}
}

// checkPartitionsAorB checks that every partition file is byte-identical to
// the same partition's file in state A or in state B (or absent in one).
func checkPartitionsAorB(t *testing.T, root, refA, refB string) {
	t.Helper()
	for _, ds := range []string{Reports, Cells, Checks} {
		seen := map[string]bool{}
		for _, base := range []string{root, refA, refB} {
			for _, f := range publishedFiles(t, base, ds) {
				rel, _ := filepath.Rel(base, f)
				seen[rel] = true
			}
		}
		for rel := range seen {
			got := readOrNil(filepath.Join(root, rel))
			a, b := readOrNil(filepath.Join(refA, rel)), readOrNil(filepath.Join(refB, rel))
			if !sameRows(t, got, a) && !sameRows(t, got, b) {
				t.Errorf("%s is neither its old nor its new version", rel)
			}
		}
	}
}

func readOrNil(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return b
}

// sameRows compares two partition files by content (nil = absent). Files
// are compared as bytes: the writer is deterministic for the same rows.
func sameRows(t *testing.T, a, b []byte) bool {
	return (a == nil) == (b == nil) && string(a) == string(b)
}
