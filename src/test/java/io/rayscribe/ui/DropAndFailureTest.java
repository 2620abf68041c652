package io.rayscribe.ui;

import com.sun.javafx.scene.SceneHelper;
import com.sun.javafx.tk.TKClipboard;
import com.sun.javafx.tk.TKDropTargetListener;
import com.sun.javafx.tk.TKScene;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.DraftHandle;
import io.rayscribe.model.GenerationListener;
import io.rayscribe.model.GenerationResult;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.PromptRegion;
import io.rayscribe.model.TokenEvent;
import io.rayscribe.report.DraftRouter;
import io.rayscribe.report.ReportStore;
import io.rayscribe.report.Section;
import io.rayscribe.testing.SharedData;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.scene.input.DataFormat;
import javafx.scene.input.KeyCode;
import javafx.scene.input.TransferMode;
import javafx.stage.Stage;
import javafx.util.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AccessControlContext;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static io.rayscribe.ui.UiTestSupport.fx;
import static io.rayscribe.ui.UiTestSupport.onFx;
import static io.rayscribe.ui.UiTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The window's less travelled paths, headless (Monocle), with real DICOM, the demo study and a real
 * (random-weight) model: files dropped on the window, a generation that fails mid-stream, a broken bundle.
 */
@ExtendWith(ApplicationExtension.class)
class DropAndFailureTest {
    /** The shipped demo study (a folder with one chest radiograph), relative to the project root. */
    private static final Path DEMO_STUDY = Path.of("assets/studies/demo").toAbsolutePath();
    @TempDir
    static Path tmp;
    private MainWindow w;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        w = new MainWindow(true, new ReportStore(tmp.resolve("reports")));
        w.show(stage);
    }

    @AfterEach
    void closeWindow() {
        fx(() -> stage.close());
    }

    private Path shownFile() throws Exception {
        return onFx(() -> w.viewer().instanceProperty().get() == null ? null
                : w.viewer().instanceProperty().get().file().toAbsolutePath().normalize());
    }

    @Test
    void droppingADicomFileOrAFolderOnTheWindowOpensIt() throws Exception {
        Path chest = SharedData.resolve(UiTestSupport.CHEST).toAbsolutePath().normalize();
        assertEquals(TransferMode.COPY, drop(DataFormat.FILES, List.of(chest.toFile())), "a file drop is accepted");
        waitFor(30, "the dropped file on screen", () -> w.viewerView().hasImage() && chest.equals(shownFile()));

        assertTrue(Files.isDirectory(DEMO_STUDY), DEMO_STUDY + " (the demo study) is missing");
        assertEquals(TransferMode.COPY, drop(DataFormat.FILES, List.of(DEMO_STUDY.toFile())), "a folder drop is accepted");
        waitFor(30, "the dropped demo study on screen", () -> {
            Path shown = shownFile();
            return shown != null && shown.startsWith(DEMO_STUDY.normalize()) && w.viewerView().hasImage();
        });
        assertFalse(onFx(() -> w.main().patients().isEmpty()), "the study browser lists the dropped study");

        // A drag that carries no files (plain text) is refused and changes nothing.
        assertNull(drop(DataFormat.PLAIN_TEXT, "not a file"), "a drop without files is refused");
        assertTrue(shownFile().startsWith(DEMO_STUDY.normalize()));
    }

    /**
     * Drops {@code content} on the middle of the viewport through the scene's own drop-target listener: the
     * object the windowing toolkit (Glass) calls with the OS clipboard for a real drag from a file manager.
     * Monocle cannot synthesise an OS drag of files from outside the application, so the test takes the
     * toolkit's place with a clipboard like the one it builds for a file manager's drag; from there on (picking the node under the point,
     * DRAG_OVER and DRAG_DROPPED dispatch, the handlers the window installed) the path is the real one.
     * Returns the transfer mode the window accepted the drop with, or null when it refused it.
     */
    private TransferMode drop(DataFormat format, Object content) throws Exception {
        return onFx(() -> {
            TKClipboard board = new OsDragClipboard(format, content);
            TKDropTargetListener target = dropTarget(w.scene());
            var viewport = w.viewerView();
            Point2D inScene = viewport.localToScene(viewport.getWidth() / 2, viewport.getHeight() / 2);
            Point2D onScreen = viewport.localToScreen(viewport.getWidth() / 2, viewport.getHeight() / 2);
            double x = inScene.getX();
            double y = inScene.getY();
            target.dragEnter(x, y, onScreen.getX(), onScreen.getY(), TransferMode.COPY, board);
            TransferMode over = target.dragOver(x, y, onScreen.getX(), onScreen.getY(), TransferMode.COPY);
            if (over == null) {
                target.dragExit(x, y, onScreen.getX(), onScreen.getY());
                return null;
            }
            return target.drop(x, y, onScreen.getX(), onScreen.getY(), over);
        });
    }

    /** What the toolkit hands the scene for a drag from another application: its data and the modes the source allows. */
    private static final class OsDragClipboard implements TKClipboard {
        private final Map<DataFormat, Object> content = new HashMap<>();

        OsDragClipboard(DataFormat format, Object data) {
            content.put(format, data);
        }

        @Override
        public void setSecurityContext(AccessControlContext ctx) {
        }

        @Override
        public Set<DataFormat> getContentTypes() {
            return content.keySet();
        }

        @SafeVarargs
        @Override
        public final boolean putContent(Pair<DataFormat, Object>... pairs) {
            throw new IllegalStateException("an incoming drag is read-only");
        }

        @Override
        public Object getContent(DataFormat format) {
            return content.get(format);
        }

        @Override
        public boolean hasContent(DataFormat format) {
            return content.containsKey(format);
        }

        @Override
        public Set<TransferMode> getTransferModes() {
            return EnumSet.of(TransferMode.COPY, TransferMode.MOVE, TransferMode.LINK); // a file manager's offer
        }

        @Override
        public void setDragView(Image image) {
        }

        @Override
        public void setDragViewOffsetX(double offsetX) {
        }

        @Override
        public void setDragViewOffsetY(double offsetY) {
        }

        @Override
        public Image getDragView() {
            return null;
        }

        @Override
        public double getDragViewOffsetX() {
            return 0;
        }

        @Override
        public double getDragViewOffsetY() {
            return 0;
        }
    }

    private static TKDropTargetListener dropTarget(Scene scene) throws ReflectiveOperationException {
        TKScene peer = SceneHelper.getPeer(scene);
        for (Class<?> c = peer.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("dropTargetListener");
                f.setAccessible(true);
                return (TKDropTargetListener) f.get(peer);
            } catch (NoSuchFieldException e) {
                // declared higher up (GlassScene)
            }
        }
        throw new AssertionError("the scene peer " + peer.getClass() + " has no drop target listener");
    }

    @Test
    void aGenerationErrorKeepsThePartialDraftNamesTheErrorAndTheViewerKeepsWorking(FxRobot robot) throws Exception {
        fx(() -> w.open(List.of(SharedData.resolve(UiTestSupport.CHEST))));
        waitFor(30, "the chest radiograph on screen", () -> w.viewerView().hasImage());
        int failAfter = 8;
        List<String> streamed = new ArrayList<>();
        // The real drafter on a real bundle; its listener throws once it has delivered `failAfter` tokens.
        // The exception is raised inside the model's generation worker, mid-decode, and travels the same
        // path as a decoder failure would (Generator -> ReportDrafter -> GenerationListener.onError).
        DraftEngine real = ModelService.load(UiTestSupport.randomBundle());
        DraftEngine failing = new FailingEngine(real, failAfter, streamed);
        fx(() -> w.draft().engineProperty().set(failing));
        fx(() -> {
            w.draft().greedyProperty().set(true);
            w.draft().maxTokensProperty().set(64);
        });
        robot.clickOn("#draft-button");
        waitFor(120, "the generation error", () -> !w.draft().runningProperty().get() && !w.draft().errorProperty().get().isEmpty());

        String error = onFx(() -> w.draft().errorProperty().get());
        assertTrue(error.contains("partial draft is kept") && error.contains("decoder failure after " + failAfter + " tokens"), error);
        assertTrue(robot.lookup("#draft-error").query().isVisible(), "the error is shown in the editor");
        assertEquals("error", onFx(() -> w.draft().lastStopReasonProperty().get()));
        assertEquals(failAfter, onFx(() -> w.draft().tokensProperty().get()));
        assertEquals(failAfter, streamed.size());

        // The partial draft stays, in the report and on screen, marked as unreviewed AI text.
        String kept = onFx(() -> w.reports().report().text(Section.FINDINGS) + w.reports().report().text(Section.IMPRESSION));
        assertFalse(kept.isBlank(), "partial draft kept; the model wrote " + streamed);
        assertEquals(routed(streamed), kept, "the kept text is exactly what the model streamed before failing");
        waitFor(5, "the editor to show the partial draft", () -> (w.editor().area(Section.FINDINGS).getText()
                + w.editor().area(Section.IMPRESSION).getText()).equals(kept));
        assertTrue(onFx(() -> w.reports().report().hasUnreviewedAi()));
        assertTrue(robot.lookup("#ai-banner").query().isVisible());

        // The viewer keeps working, and drafting can be tried again.
        fx(() -> w.viewerView().requestFocus());
        robot.type(KeyCode.R);
        assertEquals(90, onFx(() -> w.viewer().rotationProperty().get()));
        var before = onFx(() -> w.viewer().windowProperty().get());
        fx(() -> w.viewer().adjustWindow(25, -10)); // what a right-drag does
        assertNotEquals(before, onFx(() -> w.viewer().windowProperty().get()), "window/level still changes");
        assertFalse(robot.lookup("#draft-button").queryButton().isDisabled(), "Draft is available again");
        fx(() -> w.draft().engineProperty().set(null));
        failing.close();
    }

    /** The section texts the report gets from these streamed pieces (headings taken out by the router). */
    private static String routed(List<String> pieces) {
        DraftRouter router = new DraftRouter();
        StringBuilder findings = new StringBuilder();
        StringBuilder impression = new StringBuilder();
        List<DraftRouter.Piece> out = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            out.addAll(router.feed(i, pieces.get(i)));
        }
        out.addAll(router.finish());
        for (DraftRouter.Piece p : out) {
            (p.section() == Section.FINDINGS ? findings : impression).append(p.text());
        }
        return findings.toString() + impression;
    }

    /** Delegates to a real engine; the listener it hands the drafter fails after {@code failAfter} tokens. */
    private record FailingEngine(DraftEngine real, int failAfter, List<String> streamed) implements DraftEngine {
        @Override
        public DraftHandle draft(DisplayImage image, GenerationSettings settings, GenerationListener ui) {
            return real.draft(image, settings, new GenerationListener() {
                @Override
                public void onToken(TokenEvent e) {
                    if (e.index() >= failAfter) {
                        throw new IllegalStateException("decoder failure after " + failAfter + " tokens");
                    }
                    streamed.add(e.textPiece());
                    ui.onToken(e);
                }

                @Override
                public void onFinished(GenerationResult r) {
                    ui.onFinished(r);
                }

                @Override
                public void onError(Throwable t) {
                    ui.onError(t);
                }
            });
        }

        @Override
        public List<PromptRegion> regions() {
            return real.regions();
        }

        @Override
        public String modelName() {
            return real.modelName();
        }

        @Override
        public String device() {
            return real.device();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** The message's "(Menu ▸ Item)" hint names an item that exists in that menu of the window. */
    private static void assertMenuItemNamedIn(FxRobot robot, String message) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\w+) ▸ ([^)]+)\\)").matcher(message);
        assertTrue(m.find(), "no menu hint in: " + message);
        javafx.scene.control.MenuBar bar = robot.lookup(".menu-bar").queryAs(javafx.scene.control.MenuBar.class);
        boolean found = onFx(() -> bar.getMenus().stream().filter(menu -> menu.getText().equals(m.group(1)))
                .flatMap(menu -> menu.getItems().stream()).anyMatch(item -> m.group(2).equals(item.getText())));
        assertTrue(found, "no menu item " + m.group(1) + " ▸ " + m.group(2));
    }

    @Test
    void aBrokenModelBundleIsNamedAndTheDemoStudyStillOpens(FxRobot robot) throws Exception {
        // A real bundle whose LLM weights file was cut short (an interrupted copy).
        Path broken = tmp.resolve("broken-bundle");
        copyTree(UiTestSupport.randomBundle(), broken);
        Path weights = broken.resolve("llm/model.safetensors");
        assertTrue(Files.exists(weights), "the bundle layout changed: " + weights);
        byte[] all = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(all, all.length / 3));

        fx(() -> RayScribeApp.startUp(w, new RayScribeApp.Options(List.of(DEMO_STUDY), broken, true)));
        waitFor(30, "the demo study on screen", () -> w.viewerView().hasImage());
        waitFor(60, "the model error", () -> !w.draft().errorProperty().get().isEmpty());
        String error = onFx(() -> w.draft().errorProperty().get());
        assertTrue(error.contains(weights.toString()) && error.contains("truncated"), "names the broken file and why: " + error);
        assertTrue(error.contains("drafting is off"), error);
        assertMenuItemNamedIn(robot, error);
        assertTrue(robot.lookup("#draft-error").query().isVisible());
        assertEquals("none (drafting off)", onFx(() -> w.draft().modelStatusProperty().get()));
        assertTrue(robot.lookup("#draft-button").queryButton().isDisabled(), "no drafting without a model");
        assertNull(onFx(() -> w.draft().engineProperty().get()));
        assertTrue(shownFile().startsWith(DEMO_STUDY.normalize()), "the demo study is open");
        fx(() -> w.viewerView().requestFocus());
        robot.type(KeyCode.I);
        assertTrue(onFx(() -> w.viewer().invertProperty().get()), "the viewer still works");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
    }
}
