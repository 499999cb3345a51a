package warc

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
)

// formatSHA1 renders a SHA-1 sum the way WARC writers conventionally do.
func formatSHA1(sum []byte) string { return "sha1:" + base32.StdEncoding.EncodeToString(sum) }

// digestSpec is a parsed WARC digest field: the algorithm's hash and the
// expected sum.
type digestSpec struct {
	algo string
	want []byte
}

// parseDigest reads "algorithm:value". Values in base32 (the convention)
// and hex are accepted; an algorithm we cannot compute is reported so the
// caller can say so rather than pretend the digest matched.
func parseDigest(s string) (digestSpec, error) {
	algo, val, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return digestSpec{}, fmt.Errorf("digest %q has no algorithm", s)
	}
	algo = strings.ToLower(strings.ReplaceAll(algo, "-", ""))
	var size int
	switch algo {
	case "sha1":
		size = sha1.Size
	case "sha256":
		size = sha256.Size
	default:
		return digestSpec{}, fmt.Errorf("digest algorithm %q not supported", algo)
	}
	val = strings.TrimSpace(val)
	if b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(strings.ToUpper(val), "=")); err == nil && len(b) == size {
		return digestSpec{algo, b}, nil
	}
	if b, err := hex.DecodeString(val); err == nil && len(b) == size {
		return digestSpec{algo, b}, nil
	}
	return digestSpec{}, fmt.Errorf("digest %q: value is neither base32 nor hex of a %s sum", s, algo)
}

func (d digestSpec) newHash() hash.Hash {
	if d.algo == "sha256" {
		return sha256.New()
	}
	return sha1.New()
}

func (d digestSpec) matches(h hash.Hash) bool { return bytes.Equal(h.Sum(nil), d.want) }
