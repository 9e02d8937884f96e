package dev.signet.signing.validation;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What later revisions changed relative to a signed revision, sorted into the kinds DocMDP speaks of. */
final class Changes {
    enum Kind {
        /** a signature field signed, or an invisible signature field added and signed */
        SIGNATURE,
        /** a document timestamp added */
        DOCUMENT_TIMESTAMP,
        /** the DSS dictionary added or extended */
        DSS,
        /** a form field's value (and its appearance) changed */
        FORM_FILL,
        /** an annotation added, changed or removed (a visible new signature counts here) */
        ANNOTATION,
        /** anything else: page content, pages, resources, fields added or redefined, the catalog */
        OTHER
    }

    final Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    final Set<String> filledFields = new LinkedHashSet<>();
    final List<String> details = new ArrayList<>();

    void add(Kind kind, String detail) {
        kinds.add(kind);
        if (details.size() < 50 && !details.contains(detail)) details.add(detail);
    }

    void fill(String field, String detail) {
        filledFields.add(field);
        add(Kind.FORM_FILL, detail);
    }
}
