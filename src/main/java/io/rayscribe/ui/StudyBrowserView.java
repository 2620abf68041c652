package io.rayscribe.ui;

import io.rayscribe.core.DisplayText;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.dicom.FrameDecoder;
import io.rayscribe.dicom.Instance;
import io.rayscribe.dicom.Patient;
import io.rayscribe.dicom.Series;
import io.rayscribe.dicom.Study;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Label;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.VBox;

import java.util.HashMap;
import java.util.Map;

/** Patients ▸ studies ▸ series (with a thumbnail of the first image) ▸ instances. */
public final class StudyBrowserView extends VBox {
    private static final int THUMB = 64;

    /** One node of the tree with its ancestry, so a click can select it. */
    record Node(Patient patient, Study study, Series series, Instance instance) {
    }

    private final TreeView<Node> tree = new TreeView<>();
    private final Map<String, Image> thumbs = new HashMap<>();
    private final UiTaskExecutor executor;
    private final MainViewModel main;
    private boolean revealing;

    public StudyBrowserView(MainViewModel main, UiTaskExecutor executor) {
        this.main = main;
        this.executor = executor;
        tree.setId("study-tree");
        tree.setShowRoot(false);
        tree.setRoot(new TreeItem<>());
        tree.setCellFactory(t -> new Cell());
        tree.getSelectionModel().selectedItemProperty().addListener((o, a, item) -> {
            if (item != null && item.getValue() != null && !revealing) {
                Node n = item.getValue();
                Instance inst = n.instance();
                Series se = n.series();
                if (inst == null && se != null) {
                    inst = se.instances().stream().filter(Instance::hasPixels).findFirst().orElse(se.instances().isEmpty() ? null : se.instances().get(0));
                }
                main.select(n.patient(), n.study(), se, inst);
            }
        });
        Label title = new Label("Studies");
        title.getStyleClass().add("section-title");
        getChildren().addAll(title, tree);
        setSpacing(4);
        VBox.setVgrow(tree, javafx.scene.layout.Priority.ALWAYS);
        main.patients().addListener((ListChangeListener<Patient>) c -> rebuild());
    }

    /** Selects the tree row of an image the viewer moved to (paging through a series) without reloading it. */
    public void reveal(Instance inst) {
        TreeItem<Node> row = find(tree.getRoot(), inst);
        if (inst == null || row == null || row == tree.getSelectionModel().getSelectedItem()) {
            return;
        }
        revealing = true;
        try {
            tree.getSelectionModel().select(row);
        } finally {
            revealing = false;
        }
    }

    /** The image of the selected row, or null (for tests). */
    Instance selectedInstance() {
        TreeItem<Node> row = tree.getSelectionModel().getSelectedItem();
        return row == null || row.getValue() == null ? null : row.getValue().instance();
    }

    private static TreeItem<Node> find(TreeItem<Node> item, Instance inst) {
        if (item.getValue() != null && item.getValue().instance() == inst) {
            return item;
        }
        for (TreeItem<Node> child : item.getChildren()) {
            TreeItem<Node> hit = find(child, inst);
            if (hit != null) {
                return hit;
            }
        }
        return null;
    }

    private void rebuild() {
        TreeItem<Node> root = new TreeItem<>();
        for (Patient p : main.patients()) {
            TreeItem<Node> pi = new TreeItem<>(new Node(p, null, null, null));
            pi.setExpanded(true);
            for (Study s : p.studies()) {
                TreeItem<Node> si = new TreeItem<>(new Node(p, s, null, null));
                si.setExpanded(true);
                for (Series se : s.series()) {
                    TreeItem<Node> sei = new TreeItem<>(new Node(p, s, se, null));
                    if (se.instances().size() > 1) {
                        for (Instance i : se.instances()) {
                            sei.getChildren().add(new TreeItem<>(new Node(p, s, se, i)));
                        }
                    }
                    si.getChildren().add(sei);
                    loadThumb(se);
                }
                pi.getChildren().add(si);
            }
            root.getChildren().add(pi);
        }
        tree.setRoot(root);
    }

    private void loadThumb(Series se) {
        Instance first = se.instances().stream().filter(Instance::hasPixels).findFirst().orElse(null);
        if (first == null || thumbs.containsKey(se.uid())) {
            return;
        }
        executor.execute(BackgroundTask.of("thumbnail", () -> thumbnail(FrameDecoder.shared().decode(first.file(), 0).render()))
                .onSuccess(px -> {
                    WritableImage img = new WritableImage(px[0], px[1]);
                    img.getPixelWriter().setPixels(0, 0, px[0], px[1], PixelFormat.getIntArgbInstance(), px, 2, px[0]);
                    thumbs.put(se.uid(), img);
                    tree.refresh();
                })
                .onFailure(e -> { }));
    }

    /** Box-filtered thumbnail: {w, h, argb...}. */
    static int[] thumbnail(DisplayImage img) {
        double scale = Math.min(1.0, THUMB / (double) Math.max(img.width(), img.height()));
        int w = Math.max(1, (int) Math.round(img.width() * scale));
        int h = Math.max(1, (int) Math.round(img.height() * scale));
        int[] out = new int[2 + w * h];
        out[0] = w;
        out[1] = h;
        for (int y = 0; y < h; y++) {
            int y0 = (int) (y / scale);
            int y1 = Math.max(y0 + 1, Math.min(img.height(), (int) ((y + 1) / scale)));
            for (int x = 0; x < w; x++) {
                int x0 = (int) (x / scale);
                int x1 = Math.max(x0 + 1, Math.min(img.width(), (int) ((x + 1) / scale)));
                double sum = 0;
                int n = 0;
                for (int yy = y0; yy < y1; yy += Math.max(1, (y1 - y0) / 4)) {
                    for (int xx = x0; xx < x1; xx += Math.max(1, (x1 - x0) / 4)) {
                        sum += img.luminance(xx, yy);
                        n++;
                    }
                }
                int v = (int) Math.round(255 * sum / n);
                out[2 + y * w + x] = 0xff000000 | v << 16 | v << 8 | v;
            }
        }
        return out;
    }

    private final class Cell extends TreeCell<Node> {
        @Override
        protected void updateItem(Node n, boolean empty) {
            super.updateItem(n, empty);
            setGraphic(null);
            if (empty || n == null) {
                setText(null);
                return;
            }
            if (n.instance() != null) {
                Instance i = n.instance();
                setText("Image " + (i.number() == null ? "?" : i.number()) + (i.frames() > 1 ? " (" + i.frames() + " frames)" : "")
                        + (i.hasPixels() ? "" : " (no pixels)"));
            } else if (n.series() != null) {
                Series se = n.series();
                int count = se.instances().size();
                setText((se.modality().isBlank() ? "Series" : se.modality()) + (se.number() == null ? "" : " #" + se.number())
                        + "  " + se.description() + "\n" + count + (count == 1 ? " object" : " objects"));
                Image thumb = thumbs.get(se.uid());
                if (thumb != null) {
                    ImageView v = new ImageView(thumb);
                    v.getStyleClass().add("tree-thumb");
                    setGraphic(v);
                }
            } else if (n.study() != null) {
                Study s = n.study();
                setText((s.description().isEmpty() ? "Study" : s.description()) + "  " + DisplayText.dicomDate(s.date())
                        + (s.accession().isEmpty() ? "" : "  Acc " + s.accession()));
            } else {
                Patient p = n.patient();
                String name = DisplayText.personName(p.name());
                setText((name.isEmpty() ? "Unnamed patient" : name) + (p.id().isBlank() ? "" : "  (" + p.id() + ")"));
            }
        }
    }

    public TreeView<Node> tree() {
        return tree;
    }
}
