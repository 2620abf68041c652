package io.rayscribe.app;

import io.rayscribe.core.Args;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.FrameDecoder;
import io.rayscribe.dicom.PngWriter;
import io.rayscribe.dicom.Window;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code rayscribe render FILE --out OUT.png [--frame N] [--window C,W]}: one frame to an 8-bit PNG. */
public final class RenderCommand implements Command {
    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of());
        args.rejectUnknown(Set.of("out", "frame", "window"));
        if (args.positional().size() != 1) {
            throw new RayScribeException("usage: rayscribe render FILE --out OUT.png [--frame N] [--window CENTER,WIDTH]");
        }
        Path file = Path.of(args.positional().get(0));
        Path outFile = Path.of(args.require("out"));
        if (!Files.isRegularFile(file)) {
            throw RayScribeException.forFile(file, "no such file");
        }
        int frameIndex = args.getInt("frame", 0);
        Frame frame = FrameDecoder.shared().decode(file, frameIndex);
        Window w = args.has("window") ? parseWindow(args.get("window")) : null;
        DisplayImage image = frame.render(w);
        PngWriter.write(image, outFile);
        out.println(outFile + ": " + image.width() + "x" + image.height() + (image.isColor() ? " RGB" : " grey")
                + (image.isColor() ? "" : " window " + describe(w == null ? frame.defaultWindow() : w)));
        return 0;
    }

    static Window parseWindow(String s) {
        String[] p = s.split(",");
        try {
            if (p.length == 2) {
                double c = Double.parseDouble(p[0].trim());
                double w = Double.parseDouble(p[1].trim());
                if (w > 0 && Double.isFinite(c) && Double.isFinite(w)) {
                    return new Window(c, w, "Command line");
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new RayScribeException("--window expects CENTER,WIDTH with WIDTH > 0, got '" + s + "'");
    }

    private static String describe(Window w) {
        return String.format("%s (C %.6g W %.6g)", w.label(), w.center(), w.width());
    }
}
