// Loads each .properties file named on the command line with java.util.Properties (the parser
// EnginFrame uses) and prints what Java read, plus how Properties.store writes the same entries.
// Output per file:  F <path>  |  K <json key> <TAB> <json value>  |  S <store line>
// Exit 1 when load(InputStream) (ISO-8859-1) and load(Reader) (UTF-8) disagree.
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeSet;

public class PropsCheck {
    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    public static void main(String[] args) throws Exception {
        int status = 0;
        for (String file : args) {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            Properties latin1 = new Properties();
            latin1.load(new ByteArrayInputStream(bytes));
            Properties utf8 = new Properties();
            utf8.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
            if (!latin1.equals(utf8)) {
                System.err.println(file + ": ISO-8859-1 and UTF-8 readings differ");
                status = 1;
            }
            System.out.println("F " + file);
            for (String key : new TreeSet<>(latin1.stringPropertyNames())) {
                System.out.println("K " + json(key) + "\t" + json(latin1.getProperty(key)));
            }
            ByteArrayOutputStream stored = new ByteArrayOutputStream();
            latin1.store(stored, null);
            for (String line : stored.toString(StandardCharsets.ISO_8859_1).split("\n")) {
                if (!line.startsWith("#")) System.out.println("S " + line);
            }
        }
        System.exit(status);
    }
}
