package io.rayscribe.dicom;

/** Coded concepts of the report SR (DICOM CID/DCM and LOINC codes, TID 2000 / TID 1004 style). */
final class SrCodes {
    static final String[] REPORT_TITLE = {"18748-4", "LN", "Diagnostic Imaging Report"};
    static final String[] OBSERVER_TYPE = {"121005", "DCM", "Observer Type"};
    static final String[] DEVICE = {"121007", "DCM", "Device"};
    static final String[] PERSON = {"121006", "DCM", "Person"};
    static final String[] DEVICE_UID = {"121012", "DCM", "Device Observer UID"};
    static final String[] DEVICE_NAME = {"121013", "DCM", "Device Observer Name"};
    static final String[] DEVICE_MANUFACTURER = {"121014", "DCM", "Device Observer Manufacturer"};
    static final String[] DEVICE_MODEL = {"121015", "DCM", "Device Observer Model Name"};
    static final String[] PERSON_NAME = {"121008", "DCM", "Person Observer Name"};
    static final String[] FINDINGS = {"121070", "DCM", "Findings"};
    static final String[] FINDING = {"121071", "DCM", "Finding"};
    static final String[] IMPRESSIONS = {"121072", "DCM", "Impressions"};
    static final String[] IMPRESSION = {"121073", "DCM", "Impression"};
    static final String[] COMMENT = {"121106", "DCM", "Comment"};

    /** Prefix of the comment item that records the AI status. */
    static final String AI_STATUS_PREFIX = "AI status: ";
    static final String DEVICE_DETAILS_PREFIX = "Drafting device: ";

    private SrCodes() {
    }
}
