package dev.mlportfolio.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.rag.answer.ExtractiveAnswerer;
import dev.mlportfolio.core.testing.MlflowTestServer;
import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.LiveServer;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.rag.LoadedRag;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at /ui/ in a real browser (Debian's chromium, headless) against a live server with the
 * test detection model, a tiny random-weight Llama (so answers stream token by token) and the
 * sample resume with a section of HTML and script added. Each test leaves a screenshot under
 * target/ui-screenshots for a reviewer.
 */
@ExtendWith(SkipEachTest.class)
class BrowserUiTest {
    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private static final String HOSTILE = "<img src=x onerror=\"window.__xss='resume-img'\"><script>window.__xss='resume-script'</script>";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MAX_FILE_SIZE = 2_000_000;
    /** The black picture's red L: a bar along the top and one down the left, inside its box (20,20)-(140,130). */
    private static final int[][] IN_MASK = {{40, 35}, {120, 40}, {35, 110}};
    /** Inside the box but outside the L, and outside the box: the canvas must show the picture there unchanged. */
    private static final int[][] OUTSIDE_MASK = {{110, 105}, {95, 90}, {180, 140}, {5, 5}};

    private static LiveServer server;
    private static CrossOriginPage crossOrigin;
    private static ChromeDriver browser;
    private static Path files;
    private static String mlflow;

    @BeforeAll
    static void start() throws IOException {
        browser = Browser.start(); // skips the class first when there is no browser
        files = Files.createTempDirectory("browser-ui");
        Path resume = files.resolve("resume.md");
        Files.writeString(resume, Files.readString(Path.of("../data/resume.md")) + "\n## Side Projects\n\n"
                + "Zebrafish, a hobby compiler " + HOSTILE + " written in Kotlin, with a \"<b>bold</b>\" claim & more.\n");
        crossOrigin = new CrossOriginPage();
        mlflow = MlflowTestServer.sharedUri();
        server = LiveServer.start(TestSupport.generativeApp("browser-ui", 5, 2048,
                "RAG_RESUME_PATH", resume.toString(),
                "MODEL_PATH", System.getProperty("mlportfolio.testModel"),
                "MLFLOW_TRACKING_URI", mlflow,
                "CORS_ALLOWED_ORIGINS", "http://127.0.0.1:" + crossOrigin.port(),
                "MAX_FILE_SIZE", Integer.toString(MAX_FILE_SIZE)));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (crossOrigin != null) {
            crossOrigin.close();
        }
    }

    @BeforeEach
    void open() {
        browser.manage().window().setSize(new Dimension(1280, 1000));
        openUi();
    }

    private static void openUi() {
        browser.get(base() + "/ui/");
        // Anything the page turned into markup and ran would set window.__xss; a policy violation
        // (an inline script or handler the page created) is recorded as well.
        browser.executeScript("window.__violations = [];"
                + "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));");
    }

    @AfterEach
    void nothingRan() {
        assertEquals(null, browser.executeScript("return window.__xss === undefined ? null : window.__xss;"),
                "text from the server or a file name ran as script");
        assertEquals(List.of(), browser.executeScript("return window.__violations;"), "Content-Security-Policy violations");
    }

    @Test
    void asksAQuestionAndSeesTheAnswerArriveInPiecesWithItsSources() throws IOException {
        // Records, in order, every text node added to an answer and every change of its state.
        browser.executeScript("window.__chat = [];"
                + "new MutationObserver(records => records.forEach(r => {"
                + "  if (r.type === 'attributes') window.__chat.push('state:' + r.target.dataset.state);"
                + "  else if (r.target.classList && r.target.classList.contains('text'))"
                + "    r.addedNodes.forEach(n => { if (n.nodeType === 3) window.__chat.push('piece'); });"
                + "})).observe(document.getElementById('chat-log'),"
                + "  {subtree: true, childList: true, attributes: true, attributeFilter: ['data-state']});");
        WebElement question = browser.findElement(By.id("question"));
        question.sendKeys("Where did you study?");
        question.sendKeys(Keys.ENTER); // the keyboard alone asks
        WebElement answer = waitFor("li.answer[data-state='done']");
        @SuppressWarnings("unchecked")
        List<String> events = (List<String>) browser.executeScript("return window.__chat;");
        int done = events.indexOf("state:done");
        assertTrue(done > 0, events.toString());
        long pieces = events.subList(0, done).stream().filter("piece"::equals).count();
        assertTrue(pieces >= 2, "the answer grew piece by piece before it was complete: " + events);
        assertFalse(answer.findElement(By.cssSelector(".text")).getText().isBlank());
        String badge = answer.findElement(By.cssSelector(".badge")).getText();
        assertTrue(badge.startsWith("Generated by") || badge.equals("Extracted from the resume"), badge);
        List<WebElement> sources = answer.findElements(By.cssSelector(".sources li"));
        assertFalse(sources.isEmpty(), "sources are listed");
        assertTrue(sources.stream().anyMatch(s -> s.getText().contains("Education") && s.getText().contains("score")),
                "each source has its section, excerpt and score: " + sources.stream().map(WebElement::getText).toList());
        screenshot("ask");
    }

    @Test
    void saysNotFoundAndExplainsATooLongQuestion() throws IOException {
        ask("What is the capital of Australia?");
        WebElement notFound = waitFor("li.answer[data-state='done']");
        assertEquals(ExtractiveAnswerer.NOT_FOUND, notFound.findElement(By.cssSelector(".text")).getText());
        assertEquals("Not found in the resume", notFound.findElement(By.cssSelector(".badge.not-found")).getText());
        ask("why ".repeat(260));
        WebElement refused = waitFor("li.answer[data-state='error']");
        String message = refused.findElement(By.cssSelector(".error")).getText();
        assertTrue(message.startsWith("That question cannot be asked as it is:") && message.contains("the limit is 1000"), message);
        screenshot("ask-errors");
    }

    @Test
    void saysInWordsThatTheResumeServiceIsStillLoading() throws IOException {
        Path resume = Path.of("../data/resume.md");
        try (LiveServer loading = LiveServer.start(Application.builder(TestSupport.settings())
                .rag(LoadedRag.of(new CompletableFuture<>(), resume, files.resolve("never"))).build())) {
            browser.get("http://localhost:" + loading.port() + "/ui/");
            ask("Where did you study?");
            WebElement refused = waitFor("li.answer[data-state='error']");
            String message = refused.findElement(By.cssSelector(".error")).getText();
            assertEquals("Not ready yet: Resume question answering is still loading its models and index; retry shortly."
                    + " Try again in 5 s.", message);
            new WebDriverWait(browser, WAIT).until(d -> d.findElement(By.id("rag-info")).getText().contains("loading"));
            screenshot("ask-loading");
        }
        openUi();
    }

    @Test
    void paintsEachMaskAtItsPixelsAndNowhereElse() throws IOException {
        Path picture = files.resolve("l-shape.png");
        writeLShape(picture);
        detect(picture, "sync");
        waitForText("detect-status", "Found 1 instance");
        for (int[] p : IN_MASK) {
            int[] rgb = pixel(p[0], p[1]);
            assertTrue(rgb[0] < 250 || rgb[1] > 5 || rgb[2] > 5, "mask pixel " + p[0] + "," + p[1] + " is tinted: " + rgbText(rgb));
        }
        for (int[] p : OUTSIDE_MASK) {
            assertEquals("0,0,0", rgbText(pixel(p[0], p[1])), "pixel " + p[0] + "," + p[1] + " outside the mask is the picture's");
        }
        WebElement item = browser.findElement(By.cssSelector("#instances li"));
        assertTrue(item.getText().contains("score"), item.getText());
        int[] before = pixel(IN_MASK[0][0], IN_MASK[0][1]);
        new Actions(browser).moveToElement(item).perform();
        assertTrue(item.getAttribute("class").contains("active"), "hovering highlights the instance");
        assertFalse(rgbText(before).equals(rgbText(pixel(IN_MASK[0][0], IN_MASK[0][1]))), "the highlighted mask is drawn stronger");
        WebElement download = browser.findElement(By.id("download-json"));
        assertTrue(download.isDisplayed() && download.getAttribute("href").startsWith("blob:"), "the JSON can be downloaded");
        screenshot("detect");
    }

    @Test
    void runsAnAsyncDetectionToCompletion() throws IOException {
        Path picture = files.resolve("l-shape-async.png");
        writeLShape(picture);
        browser.executeScript("window.__status = [];"
                + "new MutationObserver(() => window.__status.push(document.getElementById('detect-status').textContent))"
                + ".observe(document.getElementById('detect-status'), {childList: true, characterData: true, subtree: true});");
        detect(picture, "async");
        waitForText("detect-status", "Found 1 instance");
        @SuppressWarnings("unchecked")
        List<String> shown = (List<String>) browser.executeScript("return window.__status;");
        assertTrue(shown.stream().anyMatch(s -> s.startsWith("Queued (task ")), "the task's state is shown first: " + shown);
        assertEquals(1, browser.findElements(By.cssSelector("#instances li")).size());
        assertEquals("0,0,0", rgbText(pixel(OUTSIDE_MASK[0][0], OUTSIDE_MASK[0][1])));
        screenshot("detect-async");
    }

    @Test
    void explainsAFileIsTooLarge() throws IOException {
        Path big = files.resolve("big.png");
        byte[] bytes = new byte[MAX_FILE_SIZE + 100_000];
        new java.util.Random(3).nextBytes(bytes);
        Files.write(big, bytes);
        detect(big, "sync");
        String status = waitForText("detect-status", "too large");
        assertTrue(status.startsWith("That image is too large for this server."), status);
        screenshot("detect-413");
    }

    @Test
    void explainsAPdfIsNotAnImage() throws IOException {
        detect(Path.of("../data/samples/notes.pdf").toAbsolutePath(), "sync");
        String status = waitForText("detect-status", "not an image");
        assertTrue(status.startsWith("That file is not an image the server reads"), status);
        assertTrue(browser.findElement(By.id("detect-status")).getAttribute("class").contains("error"));
        assertEquals(0L, browser.executeScript("return document.getElementById('detect-canvas').width;"), "no earlier picture is left");
        screenshot("detect-415");
    }

    @Test
    void showsHtmlFromTheResumeAndAFileNameAsText() throws IOException {
        ask("Tell me about the Zebrafish hobby compiler side project");
        WebElement answer = waitFor("li.answer[data-state='done']");
        assertTrue(answer.getText().contains("<img src=x onerror="), "the resume's HTML is shown as text: " + answer.getText());
        assertTrue(answer.getText().contains("<b>bold</b>"), answer.getText());
        Path named = files.resolve("<img src=x onerror=window.__xss='file'>.png");
        Files.copy(Path.of("../data/samples/shapes.png"), named, StandardCopyOption.REPLACE_EXISTING);
        detect(named, "sync");
        waitForText("detect-status", "Found");
        assertTrue(browser.findElement(By.id("file-name")).getText().contains("<img src=x onerror="));
        Path pdf = files.resolve("<svg onload=window.__xss='pdf'>.pdf");
        Files.copy(Path.of("../data/samples/notes.pdf"), pdf, StandardCopyOption.REPLACE_EXISTING);
        detect(pdf, "sync");
        waitForText("detect-status", "not an image");
        assertEquals(0L, browser.executeScript("return document.getElementById('detect-canvas').width;"),
                "the picture of the earlier detection is not left beside the error");
        assertEquals(0L, browser.executeScript("return document.querySelectorAll('main img, main script, main b, main svg').length;"),
                "nothing from the resume or a file name became an element");
        screenshot("xss");
    }

    @Test
    void showsEachComponentTheModelAndTheMlflowRuns() throws IOException {
        waitFor("#components tbody tr[data-component='tasks']");
        for (String component : List.of("cutler", "rag", "mlflow", "tasks")) {
            WebElement row = browser.findElement(By.cssSelector("#components tr[data-component='" + component + "']"));
            assertTrue(row.getText().matches("(?s)" + component + "\\s+(up|degraded|down|unavailable).*"), row.getText());
        }
        new WebDriverWait(browser, WAIT).until(d -> d.findElement(By.id("model-info")).getText().contains("SHA-256"));
        String model = browser.findElement(By.id("model-info")).getText();
        assertTrue(model.matches("(?s).*SHA-256\\s+[0-9a-f]{64}.*") && model.contains("cpu"), model);
        assertTrue(browser.findElement(By.id("rag-info")).getText().contains("generative"));
        WebElement link = new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#mlflow-link a")));
        assertEquals(mlflow + "/", link.getAttribute("href"));
        new WebDriverWait(browser, WAIT).until(d -> !d.findElements(By.cssSelector("#runs tbody tr")).isEmpty());
        assertFalse(browser.findElement(By.cssSelector("#runs tbody")).getText().contains("does not answer"));
        screenshot("status");
    }

    @Test
    void aPageOnAnAllowedOriginCallsTheApiAndOthersAreBlocked() throws IOException {
        browser.get("http://127.0.0.1:" + crossOrigin.port() + "/cross.html?api=" + base());
        String result = new WebDriverWait(browser, WAIT).until(d -> {
            String text = d.findElement(By.id("result")).getText();
            return text.equals("waiting") ? null : text;
        });
        assertEquals("status=200 request-id=cross-origin-page-1 process-time=true found=true", result);
        screenshot("cross-origin");
        // The same page from localhost is another origin, and not an allowed one.
        browser.get("http://localhost:" + crossOrigin.port() + "/cross.html?api=" + base());
        String blocked = new WebDriverWait(browser, WAIT).until(d -> {
            String text = d.findElement(By.id("result")).getText();
            return text.equals("waiting") ? null : text;
        });
        assertEquals("blocked: TypeError", blocked);
        openUi();
    }

    @Test
    void everyControlHasALabelAndAPhoneSizedWindowDoesNotScrollSideways() throws IOException {
        @SuppressWarnings("unchecked")
        List<String> unlabelled = (List<String>) browser.executeScript(
                "return [...document.querySelectorAll('input, textarea, select, button')].filter(e =>"
                        + " !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())"
                        + ".map(e => e.outerHTML);");
        assertEquals(List.of(), unlabelled, "controls without a label");
        browser.manage().window().setSize(new Dimension(390, 844));
        openUi();
        waitFor("#components tbody tr");
        long overflow = (Long) browser.executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
        assertTrue(overflow <= 0, "the page is " + overflow + " px wider than a phone's window");
        screenshot("phone");
    }

    @Test
    void docsPageShowsEveryOperation() throws IOException {
        browser.get(base() + "/docs");
        new WebDriverWait(browser, WAIT).until(d -> !d.findElements(By.cssSelector(".opblock")).isEmpty());
        int operations = browser.findElements(By.cssSelector(".opblock")).size();
        Map<String, java.util.Set<String>> routes = server.app().apiRoutes();
        long documented = routes.values().stream().mapToLong(m -> m.stream().filter(x -> !x.equals("HEAD")).count()).sum();
        assertEquals(documented, operations, "Swagger UI lists each operation of the document");
        assertTrue(browser.findElements(By.cssSelector(".errors-wrapper")).isEmpty(), "Swagger UI reports no errors in the document");
        screenshot("docs");
        openUi();
    }

    private static String base() {
        return "http://localhost:" + server.port();
    }

    private static void ask(String question) {
        WebElement input = browser.findElement(By.id("question"));
        input.clear();
        input.sendKeys(question);
        browser.findElement(By.id("ask-button")).click();
    }

    private static void detect(Path file, String mode) {
        browser.findElement(By.id("image-file")).sendKeys(file.toAbsolutePath().normalize().toString());
        browser.findElement(By.cssSelector("input[name=mode][value=" + mode + "]")).click();
        browser.findElement(By.id("detect-button")).click();
    }

    private static WebElement waitFor(String css) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    private static String waitForText(String id, String part) {
        return new WebDriverWait(browser, WAIT).until(d -> {
            String text = d.findElement(By.id(id)).getText();
            return text.contains(part) ? text : null;
        });
    }

    @SuppressWarnings("unchecked")
    private static int[] pixel(int x, int y) {
        List<Long> rgba = (List<Long>) browser.executeScript(
                "return Array.from(document.getElementById('detect-canvas').getContext('2d').getImageData(arguments[0], arguments[1], 1, 1).data);",
                x, y);
        return new int[] {rgba.get(0).intValue(), rgba.get(1).intValue(), rgba.get(2).intValue()};
    }

    private static String rgbText(int[] rgb) {
        return rgb[0] + "," + rgb[1] + "," + rgb[2];
    }

    /** 200x150 black with a bright red L: (20,20)-(140,60) and (20,60)-(60,130). */
    private static void writeLShape(Path file) throws IOException {
        BufferedImage image = new BufferedImage(200, 150, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 200, 150);
        g.setColor(Color.RED);
        g.fillRect(20, 20, 120, 40);
        g.fillRect(20, 60, 40, 70);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void screenshot(String name) throws IOException {
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
