package io.rayscribe.ui;

import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The screenshot script renders every main state (headless) and the states really differ. */
@ExtendWith(ApplicationExtension.class)
class ScreenshotsTest {
    @TempDir
    Path out;

    @Test
    void rendersTheMainStatesToPng() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Path> files = Screenshots.render(SharedData.resolve(UiTestSupport.CHEST), UiTestSupport.randomBundle(), out,
                new PrintStream(log, true));
        assertEquals(8, files.size(), log.toString());
        for (Path f : files) {
            BufferedImage img = ImageIO.read(f.toFile());
            assertNotNull(img, f + " is a PNG");
            assertTrue(img.getWidth() > 300 && img.getHeight() > 200, f + " " + img.getWidth() + "x" + img.getHeight());
        }
        double dark = meanBrightness(ImageIO.read(out.resolve("03-draft-attention.png").toFile()));
        double light = meanBrightness(ImageIO.read(out.resolve("05-light-reviewed.png").toFile()));
        assertTrue(light > dark + 0.1, "light theme is brighter: " + light + " vs " + dark);
    }

    private static double meanBrightness(BufferedImage img) {
        double sum = 0;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) {
                int c = img.getRGB(x, y);
                sum += (((c >> 16) & 0xff) + ((c >> 8) & 0xff) + (c & 0xff)) / (3 * 255.0);
                n++;
            }
        }
        return sum / n;
    }
}
