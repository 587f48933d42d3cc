package dev.mlportfolio.server.web;

import dev.mlportfolio.core.testing.ExternalTool;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium driven through its chromium-driver ({@code scripts/test.sh} installs both and
 * names them in MLPORTFOLIO_CHROMIUM_BIN / MLPORTFOLIO_CHROMEDRIVER_BIN). Both binaries are given to
 * Selenium, so Selenium Manager never looks for, or downloads, a browser or a driver. Missing, the
 * test is skipped with a message, or fails when MLPORTFOLIO_REQUIRE_BROWSER=1.
 */
final class Browser {
    private Browser() {
    }

    static ChromeDriver start() {
        Path chromium = ExternalTool.find("MLPORTFOLIO_CHROMIUM_BIN", "MLPORTFOLIO_REQUIRE_BROWSER",
                "no chromium: run scripts/test.sh (as root it installs Debian's chromium package)",
                Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));
        Path driver = ExternalTool.find("MLPORTFOLIO_CHROMEDRIVER_BIN", "MLPORTFOLIO_REQUIRE_BROWSER",
                "no chromedriver: run scripts/test.sh (as root it installs Debian's chromium-driver package)",
                Path.of("/usr/bin/chromedriver"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // --no-sandbox: CI runs as root, where chromium's sandbox cannot start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--no-first-run", "--disable-extensions", "--disable-background-networking");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return browser;
    }
}
