package api

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/models"
)

// maxAttachmentBytes is the size of one attachment at most (10 Mo).
const maxAttachmentBytes = 10 << 20

// attachmentKinds are the form's file fields, in the order the form shows them, with their French names.
var attachmentKinds = []struct{ Kind, Label, Hint string }{
	{models.AttachmentStatuts, "Statuts de l'association", "Statuts en vigueur, datés et signés."},
	{models.AttachmentBudget, "Budget prévisionnel du projet", "Charges et produits de l'action, dont les cofinancements."},
	{models.AttachmentAccounts, "Derniers comptes approuvés (facultatif)", "Si l'association a déjà clos un exercice : bilan et compte de résultat approuvés."},
	{models.AttachmentRIB, "Relevé d'identité bancaire (RIB)", "Au nom de l'association, à l'adresse de son siège."},
}

// allowedTypes are the types an attachment may be, sniffed from its content,
// with the file name extensions that go with each.
var allowedTypes = map[string][]string{
	"application/pdf": {".pdf"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
}

// readAttachment reads one uploaded file: at most 10 Mo, its type sniffed from its
// content (http.DetectContentType, never the browser's Content-Type) and agreeing with
// its name's extension (a PNG named .pdf is refused), its SHA-256 computed.
func readAttachment(kind string, fh *multipart.FileHeader) (models.Attachment, *FieldError) {
	field := "attachments." + kind
	refuse := func(rule, format string, args ...any) (models.Attachment, *FieldError) {
		return models.Attachment{}, &FieldError{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)}
	}
	name := filepath.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))
	if r := textinput.Check(field, name); r != nil || len(name) > 255 {
		return refuse("file_name", "nom de fichier refusé (caractère de contrôle, encodage ou plus de 255 octets) : renommez le fichier")
	}
	if fh.Size > maxAttachmentBytes {
		return refuse("max_size", "fichier de %s : 10 Mo au plus par pièce", megabytes(fh.Size))
	}
	f, err := fh.Open()
	if err != nil {
		return refuse("unreadable", "fichier illisible : joignez-le de nouveau")
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, maxAttachmentBytes+1))
	switch {
	case err != nil:
		return refuse("unreadable", "fichier illisible : joignez-le de nouveau")
	case len(content) > maxAttachmentBytes:
		return refuse("max_size", "fichier de plus de 10 Mo : 10 Mo au plus par pièce")
	case len(content) == 0:
		return refuse("empty", "fichier vide : joignez le document lui-même")
	}
	sniffed, _, _ := strings.Cut(http.DetectContentType(content), ";")
	extensions, ok := allowedTypes[sniffed]
	if !ok {
		return refuse("file_type", "le contenu de « %s » n'est ni un PDF, ni une image PNG ou JPEG", name)
	}
	if ext := strings.ToLower(filepath.Ext(name)); !slices.Contains(extensions, ext) {
		return refuse("file_type", "le contenu de « %s » est un fichier %s, que son nom ne dit pas (%s attendu)", name, typeName(sniffed), strings.Join(extensions, " ou "))
	}
	sum := sha256.Sum256(content)
	return models.Attachment{Kind: kind, FileName: name, ContentType: sniffed, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), Content: content}, nil
}

// typeName names a sniffed type in French.
func typeName(contentType string) string {
	return map[string]string{"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}[contentType]
}

// megabytes writes a size in Mo with one decimal, the French way: "10,5 Mo".
func megabytes(n int64) string {
	return strings.Replace(fmt.Sprintf("%.1f Mo", float64(n)/(1<<20)), ".", ",", 1)
}
