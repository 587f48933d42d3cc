// The page's entry point: the API key box, then the three sections.
import {apiKey, setApiKey} from "./api.js";
import {setUpChat} from "./chat.js";
import {setUpDetection} from "./detect.js";
import {setUpStatus} from "./status.js";

const key = document.getElementById("api-key");
key.value = apiKey();
key.addEventListener("change", () => setApiKey(key.value.trim()));

setUpChat();
setUpDetection();
setUpStatus();
