package io.rayscribe.dicom;

import io.rayscribe.core.RayScribeException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a {@link DisplayImage} as an 8-bit grey or RGB PNG at native size. */
public final class PngWriter {
    private PngWriter() {
    }

    public static BufferedImage toBufferedImage(DisplayImage img) {
        if (img.isColor()) {
            BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
            int[] dst = ((DataBufferInt) bi.getRaster().getDataBuffer()).getData();
            System.arraycopy(img.rgb(), 0, dst, 0, dst.length);
            return bi;
        }
        BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        System.arraycopy(img.grey(), 0, dst, 0, dst.length);
        return bi;
    }

    public static void write(DisplayImage img, Path out) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(toBufferedImage(img), "png", out.toFile())) {
                throw RayScribeException.forFile(out, "no PNG writer available");
            }
        } catch (IOException e) {
            throw RayScribeException.forFile(out, "cannot write PNG (" + e.getMessage() + ")");
        }
    }
}
