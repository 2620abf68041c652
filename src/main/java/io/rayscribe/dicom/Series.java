package io.rayscribe.dicom;

import java.util.List;

/** A series; {@code number} is null when the file has none. Instances sorted by instance number. */
public record Series(String uid, String modality, Integer number, String description, String bodyPart,
                     List<Instance> instances) {
}
