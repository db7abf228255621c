package dev.jreg;

import dev.jreg.internal.build.ConfigEditor;
import dev.jreg.model.ImageConfig;
import java.util.List;

/**
 * {@link ConfigChange}s applied to an image's runtime settings, in order, through the build's
 * {@link ConfigEditor}; each change's syntax is checked by {@link #check} when the change is made,
 * its values once variables are known.
 */
final class ConfigEdits {
    private ConfigEdits() {
    }

    /**
     * The settings with the changes applied, in order; {@code base} itself when there are none.
     *
     * @param base the image's settings, or null when its config has none
     * @throws IllegalArgumentException naming the change whose values are wrong once variables
     *     are replaced (a port that is no number, an unknown signal, a variable required unset)
     */
    static ImageConfig.Container apply(ImageConfig.Container base, List<ConfigChange> changes) {
        if (changes.isEmpty()) {
            return base;
        }
        ConfigEditor editor = new ConfigEditor(base);
        for (ConfigChange change : changes) {
            try {
                editor.change(change.toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid change \"" + change + "\": " + e.getMessage(), e);
            }
        }
        return editor.container();
    }

    /**
     * Checks what can be checked before variables are known: the instruction's syntax, flags and
     * arguments.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static void check(String instruction, String arguments) {
        ConfigEditor.check(instruction + " " + arguments);
    }
}
