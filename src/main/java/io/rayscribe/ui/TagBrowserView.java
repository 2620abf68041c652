package io.rayscribe.ui;

import atlantafx.base.theme.Styles;
import io.rayscribe.dicom.DicomTags;
import io.rayscribe.dicom.Instance;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.transformation.FilteredList;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TextField;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.Locale;

/** The header of the shown instance as a searchable table (tag, keyword, VR, value), read in the background. */
public final class TagBrowserView extends VBox {
    private final FilteredList<DicomTags.TagRow> rows = new FilteredList<>(FXCollections.observableArrayList());
    private final TextField search = new TextField();
    private final TableView<DicomTags.TagRow> table = new TableView<>();

    /** Tags are read only while the browser is shown (reading a large header competes with decoding). */
    private final javafx.beans.property.BooleanProperty active = new javafx.beans.property.SimpleBooleanProperty();
    private Instance loaded;

    public TagBrowserView(ObjectProperty<Instance> instance, UiTaskExecutor executor) {
        search.setId("tag-search");
        search.setPromptText("Search tags (keyword, tag or value)");
        search.textProperty().addListener((o, a, q) -> {
            String needle = q.toLowerCase(Locale.ROOT).strip();
            rows.setPredicate(needle.isEmpty() ? null : r -> (r.tag() + " " + r.name() + " " + r.value())
                    .toLowerCase(Locale.ROOT).contains(needle));
        });
        table.setId("tag-table");
        table.setItems(rows);
        // Compact monospaced cells (rayscribe.css): a whole "(0008,0016)" and its VR fit in the narrow side pane.
        table.getStyleClass().addAll("tag-table", Styles.DENSE);
        table.getColumns().add(col("Tag", 92, r -> "  ".repeat(r.depth()) + r.tag()));
        table.getColumns().add(col("Name", 130, DicomTags.TagRow::name));
        table.getColumns().add(col("VR", 40, DicomTags.TagRow::vr));
        table.getColumns().add(col("Value", 200, DicomTags.TagRow::value));
        table.getColumns().get(0).setMinWidth(92);
        table.getColumns().get(1).setMinWidth(96);
        table.getColumns().get(2).setMinWidth(40);
        table.getColumns().get(3).setMinWidth(90);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        VBox.setVgrow(table, Priority.ALWAYS);
        setSpacing(4);
        getChildren().addAll(search, table);
        instance.addListener((o, a, inst) -> load(instance, executor));
        active.addListener((o, a, on) -> load(instance, executor));
    }

    private void load(ObjectProperty<Instance> instance, UiTaskExecutor executor) {
        Instance inst = instance.get();
        if (inst == null) {
            loaded = null;
            ((javafx.collections.ObservableList<DicomTags.TagRow>) rows.getSource()).clear();
            return;
        }
        if (!active.get() || inst.equals(loaded)) {
            return;
        }
        loaded = inst;
        executor.execute(BackgroundTask.of("tags", () -> DicomTags.list(inst.file()))
                .onSuccess(list -> {
                    if (inst.equals(instance.get())) {
                        @SuppressWarnings("unchecked")
                        var src = (javafx.collections.ObservableList<DicomTags.TagRow>) rows.getSource();
                        src.setAll(list);
                    }
                }));
    }

    private static TableColumn<DicomTags.TagRow, String> col(String title, double width,
                                                              java.util.function.Function<DicomTags.TagRow, String> f) {
        TableColumn<DicomTags.TagRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(f.apply(d.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            private final Tooltip whole = new Tooltip();

            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                setText(empty ? null : text);
                // the whole text on hover: long values and names are cut to the column
                boolean none = empty || text == null || text.isBlank();
                whole.setText(none ? "" : text);
                setTooltip(none ? null : whole);
            }
        });
        return c;
    }

    public javafx.beans.property.BooleanProperty activeProperty() {
        return active;
    }

    public TextField search() {
        return search;
    }

    public TableView<DicomTags.TagRow> table() {
        return table;
    }
}
