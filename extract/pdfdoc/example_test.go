package pdfdoc_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/nianbao/nianbao/extract/pdfdoc"
)

// A PDF without a text layer is not an error to retry: the extractor
// records it as no_text_layer, with the reader's warning.
func ExampleRead() {
	if err := pdfdoc.Available(); err != nil {
		fmt.Println("pdftotext missing:", err)
		return
	}
	data, _ := os.ReadFile("testdata/imageonly.pdf")
	d, err := pdfdoc.Read(context.Background(), data, "application/pdf")
	switch {
	case errors.Is(err, pdfdoc.ErrNoTextLayer):
		fmt.Println("no_text_layer:", d.Warnings[0])
	case err != nil:
		fmt.Println("failed:", err)
	default:
		fmt.Println(len(d.Tables()), "tables")
	}
}
