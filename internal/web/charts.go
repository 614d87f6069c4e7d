package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/dian-p104/aap/internal/overview"
)

// Charts are drawn by the server as inline SVG: no script, no external library.
// Each has a title and a description for screen readers, and the figures are
// also written in the tables next to it.

// shareBar is one share against its target.
type shareBar struct {
	Label   string
	Percent *float64
	Target  int
}

// sharesChart draws horizontal bars from 0 to 100 %, each with its target as a
// vertical mark; a bar under its target is drawn in the warning colour.
func sharesChart(id, title string, bars []shareBar) template.HTML {
	const left, width, barH, gap = 230, 420, 26, 18
	height := len(bars)*(barH+gap) + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg role="img" aria-labelledby="%[1]s-t %[1]s-d" width="%d" height="%d" viewBox="0 0 %[2]d %[3]d" xmlns="http://www.w3.org/2000/svg">`,
		id, left+width+80, height)
	var desc []string
	for _, bar := range bars {
		desc = append(desc, fmt.Sprintf("%s : %s (objectif %d %%)", bar.Label, percentText(bar.Percent), bar.Target))
	}
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, template.HTMLEscapeString(title),
		id, template.HTMLEscapeString(strings.Join(desc, " ; ")))
	for i, bar := range bars {
		y := 10 + i*(barH+gap)
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="14" fill="#1e1e1e">%s</text>`, y+18, template.HTMLEscapeString(bar.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#eeeeee" stroke="#666666"/>`, left, y, width, barH)
		if bar.Percent != nil {
			fill := "#000091" // reached
			if *bar.Percent < float64(bar.Target) {
				fill = "#b34000" // under its target
			}
			w := int(*bar.Percent / 100 * width)
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, left, y, w, barH, fill)
		}
		tx := left + bar.Target*width/100
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#1e1e1e" stroke-width="3" stroke-dasharray="4 2"/>`, tx, y-4, tx, y+barH+4)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#1e1e1e">%s</text>`, left+width+8, y+18, percentText(bar.Percent))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#3a3a3a">trait pointillé : objectif</text>`, left, height-4)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec: built from escaped text and numbers only
}

// pneChart draws the cumulated PNE response rate week by week against its target.
func pneChart(id string, weeks []overview.WeekRate, target int) template.HTML {
	const left, top, w, h = 50, 20, 560, 200
	var b strings.Builder
	fmt.Fprintf(&b, `<svg role="img" aria-labelledby="%[1]s-t %[1]s-d" width="%d" height="%d" viewBox="0 0 %[2]d %[3]d" xmlns="http://www.w3.org/2000/svg">`,
		id, left+w+20, top+h+50)
	last := weeks[len(weeks)-1]
	first := weeks[0]
	fmt.Fprintf(&b, `<title id="%s-t">Taux de réponse au PNE, semaine par semaine</title><desc id="%s-d">%s la semaine du %s, %s la semaine du %s ; objectif %d %%.</desc>`,
		id, id, percentText(&first.Percent), first.WeekStart.French(), percentText(&last.Percent), last.WeekStart.French(), target)
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#f6f6f6" stroke="#666666"/>`, left, top, w, h)
	for _, p := range []int{0, 50, 100} {
		y := top + h - p*h/100
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="12" fill="#1e1e1e">%d %%</text>`, y+4, p)
	}
	ty := top + h - target*h/100
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#1e1e1e" stroke-width="2" stroke-dasharray="4 2"/>`, left, ty, left+w, ty)
	step := w
	if len(weeks) > 1 {
		step = w / (len(weeks) - 1)
	}
	var pts []string
	for i, wk := range weeks {
		x := left + i*step
		if len(weeks) == 1 {
			x = left + w/2
		}
		y := top + h - int(wk.Percent*float64(h)/100)
		pts = append(pts, fmt.Sprintf("%d,%d", x, y))
		fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="4" fill="#000091"/>`, x, y)
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#000091" stroke-width="3"/>`, strings.Join(pts, " "))
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#1e1e1e">semaine du %s</text>`, left, top+h+20, weeks[0].WeekStart.French())
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#1e1e1e" text-anchor="end">semaine du %s</text>`, left+w, top+h+20, last.WeekStart.French())
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#3a3a3a">trait pointillé : objectif de %d %%</text>`, left, top+h+40, target)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec: numbers and fixed text only
}

// percentText writes a share in French: "66,6 %", or "—" when there is nothing to measure.
func percentText(p *float64) string {
	if p == nil {
		return "—"
	}
	return strings.Replace(fmt.Sprintf("%.1f\u00a0%%", *p), ".", ",", 1)
}
