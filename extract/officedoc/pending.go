package officedoc

import (
	"context"
	"errors"

	"github.com/nianbao/nianbao/extract/doc"
)

// Placeholders until the DOC and spreadsheet readers land (next commit).
var errPending = errors.New("officedoc: reader not implemented yet")

func (r *Reader) ReadDOC(ctx context.Context, data []byte) (*doc.Document, error) {
	return nil, errPending
}
func (r *Reader) ReadXLSX(data []byte) (*doc.Document, error) { return nil, errPending }
func (r *Reader) ReadXLS(ctx context.Context, data []byte) (*doc.Document, error) {
	return nil, errPending
}
