/* The citizen's web chat (contacts/chat.html): one WebSocket to ws/chat/<organisation>/.
 *
 * The server issues a signed resume token; it is kept in sessionStorage with the next
 * message sequence, so a reload of the tab rejoins the same conversation and a message
 * sent again after a reconnection is stored once (the sequence is its idempotency key).
 * Incoming messages are appended to a role="log" list (a polite live region).
 */
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root || !("WebSocket" in window)) {
    return;
  }
  var scroller = document.getElementById("chat-log");
  var log = document.getElementById("chat-messages");
  var empty = document.getElementById("chat-empty");
  var statusText = document.getElementById("chat-status");
  var errorBox = document.getElementById("chat-error");
  var connection = document.getElementById("chat-connection");
  var form = document.getElementById("chat-form");
  var textInput = document.getElementById("chat-text");
  var emailGroup = document.getElementById("chat-email-group");
  var emailInput = document.getElementById("chat-email");
  var storageKey = "parvis-chat:" + root.dataset.organisation;

  var state = { token: "", sequence: 0 };
  try {
    var saved = JSON.parse(window.sessionStorage.getItem(storageKey) || "{}");
    state.token = typeof saved.token === "string" ? saved.token : "";
    state.sequence = typeof saved.sequence === "number" ? saved.sequence : 0;
  } catch (e) {
    /* storage unavailable: the conversation lasts as long as the page */
  }
  var pending = {};
  var socket = null;
  var attempts = 0;
  var live = root.dataset.live === "true";
  // Closed (outside the opening hours): no queue position, the message waits for the
  // opening, and a callback (when offered) comes after it.
  var open = root.dataset.open !== "false";

  function save() {
    try {
      window.sessionStorage.setItem(storageKey, JSON.stringify(state));
    } catch (e) {
      /* ignored: see above */
    }
  }

  function append(direction, text) {
    var item = document.createElement("li");
    item.className = "parvis-chat__message parvis-chat__message--" + direction;
    var author = document.createElement("p");
    author.className = "parvis-chat__author";
    author.textContent = direction === "inbound" ? "Vous" : "Agent";
    var body = document.createElement("p");
    body.className = "parvis-chat__text";
    body.textContent = text;
    item.appendChild(author);
    item.appendChild(body);
    log.appendChild(item);
    showEmpty();
    scroller.scrollTop = scroller.scrollHeight;
  }

  function showEmpty() {
    empty.hidden = log.children.length > 0;
  }

  function showError(message) {
    errorBox.innerHTML = "";
    if (!message) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "fr-alert fr-alert--error fr-alert--sm";
    var text = document.createElement("p");
    text.textContent = message;
    alert.appendChild(text);
    errorBox.appendChild(alert);
  }

  function setLive(value, isOpen, message) {
    live = value;
    open = isOpen;
    statusText.textContent = message;
    emailGroup.hidden = live;
  }

  function send(sequence) {
    var item = pending[sequence];
    if (!item || !socket || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    var payload = { type: "message", sequence: sequence, text: item.text };
    if (item.email) {
      payload.email = item.email;
    }
    socket.send(JSON.stringify(payload));
  }

  function onMessage(event) {
    var data;
    try {
      data = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (data.type === "session") {
      state.token = data.token;
      state.sequence = Math.max(state.sequence, data.next_sequence || 0);
      save();
    } else if (data.type === "status") {
      setLive(Boolean(data.live), data.open !== false, data.message);
    } else if (data.type === "history") {
      log.innerHTML = "";
      data.messages.forEach(function (message) {
        append(message.direction, message.text);
      });
      showEmpty();
    } else if (data.type === "message") {
      append("outbound", data.text);
    } else if (data.type === "survey") {
      showSurvey(data);
    } else if (data.type === "survey_thanks") {
      surveyDone(data.message);
    } else if (data.type === "survey_error") {
      surveyError(data.message, data.field);
    } else if (data.type === "wait") {
      showWait(data.message, Boolean(data.callback));
    } else if (data.type === "callback_ok") {
      showWait(data.message, false, true);
    } else if (data.type === "callback_error") {
      callbackError(data.message, data.field);
    } else if (data.type === "ack") {
      delete pending[data.sequence];
    } else if (data.type === "error") {
      if (data.sequence !== null && data.sequence !== undefined) {
        delete pending[data.sequence];
      }
      showError(data.message);
    }
  }

  /* After the contact: the three questions, asked at the end of the chat once the
   * conversation is resolved; answered over the same socket with the signed token. */
  var survey = document.getElementById("chat-survey");
  var surveyForm = document.getElementById("chat-survey-form");
  var surveyResult = document.getElementById("chat-survey-result");
  var surveyToken = "";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function showSurvey(data) {
    if (!survey || surveyToken === data.token) {
      return;
    }
    surveyToken = data.token;
    surveyForm.innerHTML = "";
    surveyResult.innerHTML = "";
    data.questions.forEach(function (question) {
      var fieldset = element("fieldset", "fr-fieldset");
      fieldset.id = "survey-" + question.code;
      var legendId = "survey-" + question.code + "-legend";
      fieldset.setAttribute("aria-labelledby", legendId);
      var legend = element("legend", "fr-fieldset__legend", question.label);
      legend.id = legendId;
      if (question.kind === "scale") {
        legend.appendChild(element("span", "fr-hint-text",
          "De 1 (" + question.low + ") à 5 (" + question.high + ")"));
      }
      fieldset.appendChild(legend);
      question.choices.forEach(function (choice, index) {
        var wrapper = element("div", "fr-fieldset__element fr-fieldset__element--inline");
        var group = element("div", "fr-radio-group");
        var input = document.createElement("input");
        input.type = "radio";
        input.name = question.code;
        input.value = String(choice.value);
        input.id = "survey-" + question.code + "-" + (index + 1);
        var label = element("label", "fr-label", choice.label);
        label.setAttribute("for", input.id);
        if (question.kind === "scale" && index === 0) {
          label.textContent += " – " + question.low;
        } else if (question.kind === "scale" && index === question.choices.length - 1) {
          label.textContent += " – " + question.high;
        }
        group.appendChild(input);
        group.appendChild(label);
        wrapper.appendChild(group);
        fieldset.appendChild(wrapper);
      });
      var messages = element("div", "fr-messages-group");
      messages.id = "survey-" + question.code + "-messages";
      fieldset.appendChild(messages);
      surveyForm.appendChild(fieldset);
    });
    var button = element("button", "fr-btn", "Envoyer mes réponses");
    button.type = "submit";
    surveyForm.appendChild(button);
    survey.hidden = false;
    append("outbound", "La conversation est terminée. Trois questions vous attendent sous la " +
      "conversation, si vous voulez bien nous donner votre avis.");
  }

  function surveyError(message, field) {
    surveyResult.innerHTML = "";
    var target = field ? document.getElementById("survey-" + field + "-messages") : null;
    var text = element("p", "fr-message fr-message--error", message);
    if (target) {
      target.innerHTML = "";
      target.appendChild(text);
      target.parentNode.classList.add("fr-fieldset--error");
      var first = target.parentNode.querySelector("input");
      if (first) {
        first.focus();
      }
    } else {
      surveyResult.appendChild(text);
    }
  }

  function surveyDone(message) {
    surveyForm.innerHTML = "";
    surveyForm.hidden = true;
    var alert = element("div", "fr-alert fr-alert--success fr-alert--sm");
    alert.appendChild(element("p", "", message));
    surveyResult.innerHTML = "";
    surveyResult.appendChild(alert);
  }

  if (surveyForm) {
    surveyForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = {};
      var missing = null;
      Array.prototype.forEach.call(surveyForm.querySelectorAll("fieldset"), function (fieldset) {
        var code = fieldset.id.replace("survey-", "");
        var checked = fieldset.querySelector("input:checked");
        if (checked) {
          answers[code] = Number(checked.value);
        } else if (!missing) {
          missing = code;
        }
      });
      if (missing) {
        var legend = document.getElementById("survey-" + missing + "-legend");
        surveyError("Répondez à la question « " + legend.firstChild.textContent.trim() + " ».",
          missing);
        return;
      }
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "survey_answer", token: surveyToken, answers: answers }));
      }
    });
  }

  /* While waiting in a routed queue: the position and estimated wait, and « Être
   * rappelé » instead of waiting (the place in the queue is kept). */
  var wait = document.getElementById("chat-wait");
  var waitText = document.getElementById("chat-wait-text");
  var callbackForm = document.getElementById("chat-callback-form");
  var callbackNumber = document.getElementById("chat-callback-number");
  var callbackNumberGroup = document.getElementById("chat-callback-number-group");
  var callbackMessages = document.getElementById("chat-callback-number-messages");
  var callbackSms = document.getElementById("chat-callback-sms");

  var callbackLegend = document.getElementById("chat-callback-legend-text");
  var callbackHint = document.getElementById("chat-callback-hint");

  function showWait(message, callbackOffered, confirmation) {
    if (!wait) {
      return;
    }
    wait.hidden = false;
    // Closed: nobody is answering, so no position nor estimated wait.
    waitText.textContent = open || confirmation ? message :
      "Votre message est enregistré. Le chat est fermé : il sera lu dès l’ouverture.";
    if (callbackLegend) {
      callbackLegend.textContent = open ? "Être rappelé plutôt qu’attendre" :
        "Être rappelé à l’ouverture";
      callbackHint.textContent = open ?
        "Vous gardez votre place dans la file : un agent vous appelle quand votre tour vient." :
        "Un agent vous appelle après l’ouverture du chat, à votre tour.";
    }
    callbackForm.hidden = !callbackOffered;
  }

  function callbackError(message, field) {
    callbackMessages.innerHTML = "";
    if (field === "number") {
      callbackNumberGroup.classList.add("fr-input-group--error");
      callbackMessages.appendChild(element("p", "fr-message fr-message--error", message));
      callbackNumber.focus();
    } else {
      showError(message);
    }
  }

  if (callbackForm) {
    callbackForm.addEventListener("submit", function (event) {
      event.preventDefault();
      callbackNumberGroup.classList.remove("fr-input-group--error");
      callbackMessages.innerHTML = "";
      var number = callbackNumber.value.trim();
      if (!number) {
        callbackError("Indiquez le numéro de téléphone auquel vous rappeler.", "number");
        return;
      }
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "callback", number: number, sms: callbackSms.checked }));
      }
    });
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + root.dataset.wsPath;
    if (state.token) {
      url += "?token=" + encodeURIComponent(state.token);
    }
    var hadToken = Boolean(state.token);
    socket = new WebSocket(url);
    socket.addEventListener("open", function () {
      attempts = 0;
      connection.textContent = "";
      Object.keys(pending).forEach(function (sequence) {
        send(Number(sequence));
      });
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      if (event.code === 4403 && hadToken) {
        // The resume token was refused (expired): start a new conversation once.
        state = { token: "", sequence: 0 };
        save();
        log.innerHTML = "";
        showEmpty();
        connect();
        return;
      }
      if (event.code === 4403 || event.code === 4404) {
        connection.textContent = "Le chat n’est pas disponible pour le moment.";
        return;
      }
      attempts += 1;
      var delay = event.code === 4429 ? 60000 : Math.min(30000, 1000 * Math.pow(2, attempts));
      connection.textContent = "Connexion interrompue : nouvelle tentative dans " +
        Math.round(delay / 1000) + " secondes.";
      window.setTimeout(connect, delay);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textInput.value.trim();
    if (!text) {
      showError("Écrivez votre message avant de l’envoyer.");
      textInput.focus();
      return;
    }
    showError("");
    var sequence = state.sequence;
    state.sequence += 1;
    save();
    pending[sequence] = { text: text, email: live ? "" : emailInput.value.trim() };
    append("inbound", text);
    textInput.value = "";
    textInput.focus();
    send(sequence);
  });

  connect();
})();
