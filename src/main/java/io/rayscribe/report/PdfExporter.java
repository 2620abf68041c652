package io.rayscribe.report;

import io.rayscribe.core.RayScribeException;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The report as an A4 PDF (PDFBox, standard fonts): header, sections, and the AI notice in red while unreviewed. */
public final class PdfExporter {
    private static final float MARGIN = 56;
    private static final float BODY = 11;
    private static final float LEADING = 15;

    private PdfExporter() {
    }

    public static void write(Report r, Path out) {
        PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        try (PDDocument doc = new PDDocument()) {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle("Radiology report " + r.study().accession());
            info.setCreator("RayScribe");
            info.setSubject(AiStatus.line(r));
            Writer w = new Writer(doc);
            w.line(bold, 16, "Radiology report", false);
            w.gap(4);
            for (String line : TextExporter.headerLines(r)) {
                boolean warn = line.startsWith("AI: ") && AiStatus.of(r) == AiStatus.UNREVIEWED;
                w.paragraph(warn ? bold : regular, 9.5f, line, warn);
            }
            for (Section sec : Section.values()) {
                w.gap(10);
                w.line(bold, 12.5f, sec.title(), false);
                String t = r.text(sec).strip();
                for (String para : (t.isEmpty() ? "(none)" : t).split("\n")) {
                    w.paragraph(regular, BODY, para, false);
                }
            }
            w.close();
            doc.save(out.toFile());
        } catch (IOException e) {
            throw RayScribeException.forFile(out, "cannot write the PDF report (" + e.getMessage() + ")", e);
        }
    }

    /** Keeps only characters the standard (WinAnsi) fonts can show. */
    static String printable(PDType1Font font, String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            String ch = cp == '\t' ? " " : new String(Character.toChars(cp));
            try {
                font.encode(ch);
                b.append(ch);
            } catch (IOException | IllegalArgumentException e) {
                b.append('?');
            }
        }
        return b.toString();
    }

    /** Flows lines down A4 pages, starting a new page when one is full. */
    private static final class Writer {
        private final PDDocument doc;
        private PDPageContentStream cs;
        private float y;
        private final float width = PDRectangle.A4.getWidth() - 2 * MARGIN;

        Writer(PDDocument doc) throws IOException {
            this.doc = doc;
            newPage();
        }

        private void newPage() throws IOException {
            if (cs != null) {
                cs.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            cs = new PDPageContentStream(doc, page);
            y = PDRectangle.A4.getHeight() - MARGIN;
        }

        void gap(float points) {
            y -= points;
        }

        void line(PDType1Font font, float size, String text, boolean red) throws IOException {
            if (y - LEADING < MARGIN) {
                newPage();
            }
            y -= size + 4;
            cs.beginText();
            cs.setNonStrokingColor(red ? 0.75f : 0f, 0f, 0f);
            cs.setFont(font, size);
            cs.newLineAtOffset(MARGIN, y);
            cs.showText(printable(font, text));
            cs.endText();
        }

        void paragraph(PDType1Font font, float size, String text, boolean red) throws IOException {
            for (String l : wrap(font, size, printable(font, text))) {
                line(font, size, l, red);
            }
        }

        private List<String> wrap(PDType1Font font, float size, String text) throws IOException {
            List<String> out = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            for (String word : text.split(" ")) {
                String candidate = cur.length() == 0 ? word : cur + " " + word;
                if (font.getStringWidth(candidate) / 1000 * size > width && cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    cur.append(word);
                } else {
                    cur.setLength(0);
                    cur.append(candidate);
                }
            }
            out.add(cur.toString());
            return out;
        }

        void close() throws IOException {
            cs.close();
        }
    }
}
