package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/models"
)

// The compte-rendu financier's file: the signed Cerfa n° 15059*02, a PDF or an
// image, at most 10 MB, its type read from its content (not its name).
const (
	reportFileField = "cerfa"
	maxReportFile   = 10 << 20
	// maxLinkForm bounds a link's form: the file and a few fields.
	maxLinkForm = maxReportFile + 1<<20
)

// reportFileTypes are the accepted types, as http.DetectContentType names them.
var reportFileTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// sendReport records the compte-rendu financier through FinancialReportService (the
// API's rule set), its reference naming the file and its checksum, then keeps the file.
func (h linkHandlers) sendReport(ctx context.Context, c *gin.Context, f dossierFacts) (dossierOutcome, error) {
	form := linkReportForm{Spent: c.PostForm("spent_eur"), SubsidyUsed: c.PostForm("subsidy_used_eur")}
	refused := dossierOutcome{Error: "Le compte-rendu financier n'est pas enregistré : corrigez les champs indiqués.",
		Status: http.StatusUnprocessableEntity, Typed: dossierForm{Report: form}}
	for _, field := range []string{"spent_eur", "subsidy_used_eur"} {
		if r := textinput.Check(field, c.PostForm(field)); r != nil {
			refused.Typed.FieldErrors = append(refused.Typed.FieldErrors, linkFieldError{Field: field, Text: reportFieldLabels[field] + " : " + r.Message + "."})
		}
	}
	doc, fileErr := readReportFile(c)
	refused.Typed.FileError = fileErr
	if fileErr != "" || len(refused.Typed.FieldErrors) > 0 {
		return refused, nil
	}
	form.DocumentRef = doc.FileName + " (sha256 " + doc.SHA256[:16] + ")"
	due := f.reportDue()
	if due == nil && len(f.Convention.FinancialReports) > 0 {
		// All received: a form sent again (a second click, a reload) was the last one's,
		// answered as recorded when the same, refused when it differs.
		due = &f.Convention.FinancialReports[len(f.Convention.FinancialReports)-1]
	}
	if due == nil {
		return dossierOutcome{}, store.ErrNotFound
	}
	req := form.request()
	year := due.FiscalYear
	req.FiscalYear = &year
	_, _, err := h.reports.Record(ctx, f.Convention.ID, req)
	var p *Problem
	if errors.As(err, &p) && p.Status == http.StatusUnprocessableEntity {
		refused.Typed.FieldErrors = reportFieldErrors(p.Fields)
		return refused, nil
	}
	if err != nil {
		return dossierOutcome{}, err
	}
	doc.ConventionID, doc.FiscalYear = f.Convention.ID, year
	if err := h.reportFiles.Keep(ctx, doc); err != nil {
		return dossierOutcome{}, err
	}
	return dossierOutcome{Message: "Merci : votre compte-rendu financier et son fichier sont enregistrés ; ils lèvent les blocages de renouvellement qui en dépendaient."}, nil
}

// readReportFile reads the uploaded Cerfa; the string says in French why it is refused.
func readReportFile(c *gin.Context) (*models.ReportDocument, string) {
	fh, err := c.FormFile(reportFileField)
	if err != nil {
		return nil, "Compte-rendu financier signé : joignez le fichier (PDF, JPEG ou PNG, 10 Mo au plus)."
	}
	if fh.Size > maxReportFile {
		return nil, fmt.Sprintf("Compte-rendu financier signé : le fichier fait %s, au-delà de 10 Mo.", fileSize(fh.Size))
	}
	data, err := readUpload(fh)
	if err != nil {
		return nil, "Compte-rendu financier signé : le fichier n'a pas pu être lu ; envoyez-le de nouveau."
	}
	kind := http.DetectContentType(data)
	if !reportFileTypes[kind] {
		return nil, "Compte-rendu financier signé : le fichier n'est ni un PDF ni une image JPEG ou PNG."
	}
	sum := sha256.Sum256(data)
	return &models.ReportDocument{FileName: uploadName(fh.Filename, kind), ContentType: kind, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), Data: data}, ""
}

func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	return io.ReadAll(io.LimitReader(f, maxReportFile+1))
}

// uploadName keeps the file's base name, printable and at most 120 characters;
// a name that says nothing becomes one from its type.
func uploadName(name, kind string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r == '/' {
			return -1
		}
		return r
	}, filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:])
	}
	if strings.Trim(name, ". ") == "" {
		name = "compte-rendu-financier" + map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[kind]
	}
	return name
}
