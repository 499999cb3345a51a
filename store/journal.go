package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.uber.org/zap"
)

// journalName is the commit journal in Root. It exists only while a
// commit publishes: every file it names is complete and verified, so
// finishing its renames (roll-forward) is always safe and idempotent.
const journalName = ".commit-journal.json"

// journal lists what a commit publishes, as paths relative to Root.
type journal struct {
	Renames [][2]string `json:"renames"` // hidden temporary file → partition file
	Deletes []string    `json:"deletes"` // partition files left with no rows
}

// publish makes the journal durable, then applies it. Until the journal's
// rename the previous dataset is intact (the new files are hidden); after
// it, a crash is completed by the next Open.
func (s *Store) publish(j *journal) error {
	if len(j.Renames) == 0 && len(j.Deletes) == 0 {
		return nil
	}
	// The new files must be on disk before the journal names them.
	files := make([]string, len(j.Renames))
	for i, r := range j.Renames {
		files[i] = filepath.Join(s.opts.Root, r[0])
	}
	if err := syncAll(files); err != nil {
		return err
	}
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tmp := filepath.Join(s.opts.Root, journalName+".tmp")
	if err := writeSync(tmp, data); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(s.opts.Root, journalName)); err != nil {
		return err
	}
	if err := syncDir(s.opts.Root); err != nil {
		return err
	}
	hook("journaled")
	return applyJournal(s.opts.Root, j)
}

// applyJournal performs the renames and deletes, makes them durable, and
// removes the journal.
func applyJournal(root string, j *journal) error {
	dirs := map[string]bool{}
	for _, r := range j.Renames {
		tmp, final := filepath.Join(root, r[0]), filepath.Join(root, r[1])
		if err := os.Rename(tmp, final); err != nil {
			// Already renamed by an earlier, interrupted attempt.
			if !errors.Is(err, fs.ErrNotExist) || !exists(final) {
				return err
			}
		}
		dirs[filepath.Dir(final)] = true
		hook("renamed")
	}
	for _, d := range j.Deletes {
		final := filepath.Join(root, d)
		if err := os.Remove(final); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		dirs[filepath.Dir(final)] = true
	}
	// A new partition directory must itself be durable in its parent, up
	// to Root.
	for d := range dirs {
		for d = filepath.Dir(d); d != root && strings.HasPrefix(d, root); d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	if err := syncAll(slices.Collect(maps.Keys(dirs))); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(root, journalName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := syncDir(root); err != nil {
		return err
	}
	hook("published")
	return nil
}

// recover finishes a commit interrupted while publishing and removes what
// interrupted runs left behind: spill directories, temporary files and an
// unfinished journal.
func (s *Store) recover(ctx context.Context) error {
	root := s.opts.Root
	path := filepath.Join(root, journalName)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		var j journal
		if err := json.Unmarshal(data, &j); err != nil {
			return fmt.Errorf("store: %s is corrupt: %w", path, err)
		}
		s.log.Warn("completing an interrupted commit", zap.Int("files", len(j.Renames)))
		if err := applyJournal(root, &j); err != nil {
			return fmt.Errorf("store: complete interrupted commit: %w", err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store: %w", err)
	}
	os.Remove(filepath.Join(root, journalName+".tmp"))

	entries, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), ".staging-") {
			os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
	for _, ds := range []string{Reports, Cells, Checks, Captures} {
		err := filepath.WalkDir(filepath.Join(root, ds), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if !d.IsDir() && strings.HasPrefix(d.Name(), ".part-") && strings.HasSuffix(d.Name(), ".tmp") {
				s.log.Debug("removing leftover", zap.String("file", p))
				return os.Remove(p)
			}
			return ctx.Err()
		})
		if err != nil {
			return fmt.Errorf("store: clean %s: %w", ds, err)
		}
	}
	return nil
}

func writeSync(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncAll fsyncs files or directories, several at a time: each fsync
// mostly waits for the disk, and a commit has one per partition.
func syncAll(paths []string) error {
	sem := make(chan struct{}, 8)
	errs := make(chan error, len(paths))
	for _, p := range paths {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			errs <- syncDir(p)
		}()
	}
	for range paths {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// syncDir fsyncs a file or directory.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
