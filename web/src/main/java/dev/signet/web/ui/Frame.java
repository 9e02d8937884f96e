package dev.signet.web.ui;

/**
 * What the page layout needs: the title, the section to highlight in the navigation, the viewer
 * (null on the login and error pages before login) and an optional notice shown above the content.
 */
public record Frame(String title, String section, Viewer viewer, String notice) {

    static Frame of(String title, String section, Viewer viewer) {
        return new Frame(title, section, viewer, null);
    }

    Frame withNotice(String text) {
        return new Frame(title, section, viewer, text);
    }
}
