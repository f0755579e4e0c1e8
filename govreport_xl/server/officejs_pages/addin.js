/*
 * govreport-xl: the client of the 政务公开年报 Office.js add-in (task pane, ribbon commands, dialog).
 *
 * A click gathers the values of the sheets the checks read into the JSON an xlwings client sends
 * (the shape of xlwings Server's Office.js client, getBookData in static/js/custom-scripts/index.js
 * at commit 88620030ee48643d4eff789728cc3aecf302be38), posts it to the office server, and applies
 * the actions the server returns (xlwings' book.json()). Written for the documented Office.js API
 * (ExcelApi 1.1 unless a newer set is checked for first) and in ES5, because Excel 2016 runs add-ins
 * in Internet Explorer 11. No build step: this file is served as it is.
 */
(function (root) {
  "use strict";

  var doc = root.document;
  var config = JSON.parse(doc.getElementById("govreport-config").text);

  function newPromise(executor) {
    var P = root.Promise || (root.OfficeExtension && root.OfficeExtension.Promise);
    return new P(executor);
  }

  function supports(version) {
    try {
      return Office.context.requirements.isSetSupported("ExcelApi", version);
    } catch (e) {
      return false;
    }
  }

  // --- addresses -------------------------------------------------------------------------------

  function columnName(index) {
    // 0 -> A, 25 -> Z, 26 -> AA
    var name = "";
    var n = index + 1;
    while (n > 0) {
      var m = (n - 1) % 26;
      name = String.fromCharCode(65 + m) + name;
      n = Math.floor((n - 1) / 26);
    }
    return name;
  }

  function rangeAddress(row, column, rows, columns) {
    var first = columnName(column) + (row + 1);
    if (rows === 1 && columns === 1) {
      return first;
    }
    return first + ":" + columnName(column + columns - 1) + (row + rows);
  }

  // NamedItem.value of a named range is its address: "'三、依申请公开'!$C$5" (ExcelApi 1.1).
  function parseReference(value) {
    if (typeof value !== "string") {
      return null;
    }
    var text = value.charAt(0) === "=" ? value.slice(1) : value;
    var bang = text.lastIndexOf("!");
    if (bang < 1) {
      return null;
    }
    var sheet = text.slice(0, bang);
    var address = text.slice(bang + 1).replace(/\$/g, "");
    if (!/^[A-Z]{1,3}[0-9]+(:[A-Z]{1,3}[0-9]+)?$/.test(address)) {
      return null;
    }
    if (sheet.length > 1 && sheet.charAt(0) === "'" && sheet.charAt(sheet.length - 1) === "'") {
      sheet = sheet.slice(1, -1).replace(/''/g, "'");
    }
    return { sheet: sheet, address: address };
  }

  // As xlwings' client: a date or time is sent as ISO text where Excel says what the number is.
  function convertDates(values, categories) {
    for (var r = 0; r < values.length; r++) {
      for (var c = 0; c < values[r].length; c++) {
        var category = String(categories[r][c]);
        if ((category === "Date" || category === "Time") && typeof values[r][c] === "number") {
          values[r][c] = new Date(Math.round((values[r][c] - 25569) * 86400 * 1000)).toISOString();
        }
      }
    }
  }

  function fileName() {
    var url = (Office.context.document && Office.context.document.url) || "";
    var name = url.split("?")[0].split(/[\\/]/).pop();
    try {
      name = decodeURIComponent(name);
    } catch (e) {
      // keep it as it is
    }
    return name || "工作簿.xlsx";
  }

  // --- gathering the payload --------------------------------------------------------------------

  function gather(context) {
    var workbook = context.workbook;
    var worksheets = workbook.worksheets;
    worksheets.load("items/name");
    var active = worksheets.getActiveWorksheet();
    active.load("position");
    var names = workbook.names;
    names.load("items/name,items/type,items/value");
    var bookNameKnown = supports("1.7");
    if (bookNameKnown) {
      workbook.load("name");
    }
    var sheets, wanted = {}, payloadNames = [], used = [];
    var ours = {};
    var i;
    for (i = 0; i < config.names.length; i++) {
      ours[config.names[i]] = true;
    }
    for (i = 0; i < config.sheets.length; i++) {
      wanted[config.sheets[i]] = true;
    }
    return context.sync().then(function () {
      sheets = worksheets.items;
      var order = [];
      for (var s = 0; s < sheets.length; s++) {
        order.push(sheets[s].name);
      }
      for (var n = 0; n < names.items.length; n++) {
        var item = names.items[n];
        var ref = item.type === "Range" ? parseReference(item.value) : null;
        var index = ref ? order.indexOf(ref.sheet) : -1;
        if (index < 0) {
          continue;
        }
        payloadNames.push({
          name: item.name, sheet_index: index, address: ref.address,
          scope_sheet_name: null, scope_sheet_index: null, book_scope: true
        });
        if (ours[item.name]) {
          wanted[ref.sheet] = true;
        }
      }
      var valuesOnly = supports("1.2");
      for (s = 0; s < sheets.length; s++) {
        var range = null;
        if (wanted[sheets[s].name]) {
          range = valuesOnly ? sheets[s].getUsedRange(true) : sheets[s].getUsedRange();
          range.load("rowIndex,columnIndex,rowCount,columnCount");
        }
        used.push(range);
      }
      return context.sync();
    }).then(function () {
      var dates = supports("1.12");
      var cells = 0;
      for (var s = 0; s < sheets.length; s++) {
        var u = used[s];
        if (u === null) {
          continue;
        }
        var rows = u.rowIndex + u.rowCount, columns = u.columnIndex + u.columnCount;
        cells += rows * columns;
        if (cells > config.maxCells) {
          throw new Error("工作表「" + sheets[s].name + "」的已用区域太大（" + rows + " 行 × " + columns +
            " 列），请删除表格以外多余的内容后再试。");
        }
        used[s] = sheets[s].getRange(rangeAddress(0, 0, rows, columns));
        used[s].load(dates ? "values,numberFormatCategories" : "values");
      }
      return context.sync();
    }).then(function () {
      var payload = {
        client: "Office.js",
        version: config.xlwingsVersion,
        book: { name: bookNameKnown ? workbook.name : fileName(), active_sheet_index: active.position, selection: null },
        names: payloadNames,
        sheets: []
      };
      var dates = supports("1.12");
      for (var s = 0; s < sheets.length; s++) {
        var values = [[]];
        if (used[s] !== null) {
          values = used[s].values;
          if (dates) {
            convertDates(values, used[s].numberFormatCategories);
          }
        }
        payload.sheets.push({ name: sheets[s].name, values: values, pictures: [], tables: [] });
      }
      return payload;
    });
  }

  // --- the actions the server returns -------------------------------------------------------------

  // Excel measures a column in characters on the desktop, in points here: Calibri 11's digit is
  // 7 pixels wide, plus 5 pixels of padding, at 0.75 points a pixel.
  function characterWidthToPoints(characters) {
    return (characters * 7 + 5) * 0.75;
  }

  function rangeOf(sheets, action) {
    return sheets[action.sheet_position].getRange(
      rangeAddress(action.start_row, action.start_column, action.row_count, action.column_count));
  }

  var HANDLERS = {
    setValues: function (context, sheets, action) {
      rangeOf(sheets, action).values = action.values;
    },
    setRangeColor: function (context, sheets, action) {
      rangeOf(sheets, action).format.fill.color = String(action.args[0]);
    },
    setColumnWidth: function (context, sheets, action) {
      if (supports("1.2")) {
        rangeOf(sheets, action).format.columnWidth = characterWidthToPoints(Number(action.args[0]));
      }
    },
    addSheet: function (context, sheets, action) {
      var sheet = context.workbook.worksheets.add(String(action.args[1]));
      var position = parseInt(action.args[0], 10);
      if (position < sheets.length) {
        sheet.position = position;
        sheets.splice(position, 0, sheet);
      } else {
        sheets.push(sheet);
      }
    },
    sheetClear: function (context, sheets, action) {
      sheets[action.sheet_position].getRange().clear("All");
    },
    sheetDelete: function (context, sheets, action) {
      sheets[action.sheet_position].delete();
      sheets.splice(action.sheet_position, 1);
    },
    activateSheet: function (context, sheets, action) {
      sheets[parseInt(action.args[0], 10)].activate();
    },
    alert: function (context, sheets, action, outcome) {
      outcome.alert = String(action.args[0]);
    }
  };

  function applyActions(context, actions, outcome) {
    var worksheets = context.workbook.worksheets;
    worksheets.load("items/name");
    return context.sync().then(function () {
      var sheets = worksheets.items.slice();
      for (var i = 0; i < actions.length; i++) {
        var handler = HANDLERS[actions[i].func];
        if (!handler) {
          throw new Error("服务器要求的操作「" + actions[i].func + "」本插件不认识，请关闭任务窗格后重新打开（插件已更新）。");
        }
        handler(context, sheets, actions[i], outcome);
      }
      return context.sync();
    });
  }

  // --- talking to the server ----------------------------------------------------------------------

  function post(url, body) {
    return newPromise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url, true);
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.timeout = 120000;
      xhr.onload = function () {
        var data = null;
        try {
          data = JSON.parse(xhr.responseText);
        } catch (e) {
          data = null;
        }
        if (xhr.status === 200 && data && data.actions) {
          resolve(data);
        } else {
          reject(new Error((data && data.detail) || ("校验服务器出错（HTTP " + xhr.status + "）")));
        }
      };
      xhr.onerror = xhr.ontimeout = function () {
        reject(new Error("连不上校验服务器，请检查网络，或联系信息中心。"));
      };
      xhr.send(JSON.stringify(body));
    });
  }

  function absolute(path) {
    var a = doc.createElement("a");
    a.href = path;
    return a.href;
  }

  // One click: gather, post, apply; resolves to {message, export}.
  function run(action) {
    var outcome = {};
    return Excel.run(function (context) {
      return gather(context).then(function (payload) {
        return post(config.api + action, payload);
      }).then(function (response) {
        outcome.response = response;
        return applyActions(context, response.actions, outcome);
      });
    }).then(function () {
      return { message: outcome.alert || outcome.response.message, "export": outcome.response["export"] || null };
    });
  }

  function errorText(error) {
    if (error && error.message) {
      return error.message;
    }
    return String(error);
  }

  // --- the task pane --------------------------------------------------------------------------------

  function offerDownload(link, exported) {
    var blob = new Blob([exported.text], { type: "application/json" });
    link.setAttribute("download", exported.filename);
    link.textContent = "保存 JSON 文件：" + exported.filename;
    if (root.navigator.msSaveOrOpenBlob) { // Internet Explorer (Excel 2016)
      link.href = "#";
      link.onclick = function () {
        root.navigator.msSaveOrOpenBlob(blob, exported.filename);
        return false;
      };
    } else {
      link.href = root.URL.createObjectURL(blob);
    }
    link.hidden = false;
  }

  function taskpane() {
    var status = doc.getElementById("status");
    var link = doc.getElementById("download");
    var buttons = doc.querySelectorAll("button[data-action]");

    function busy(on) {
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].disabled = on;
      }
      doc.body.setAttribute("aria-busy", on ? "true" : "false");
    }

    function click(action) {
      busy(true);
      link.hidden = true;
      status.className = "status working";
      status.textContent = "正在" + config.actions[action] + "……";
      return run(action).then(function (result) {
        status.className = "status done";
        status.textContent = result.message;
        if (result["export"]) {
          offerDownload(link, result["export"]);
        }
      }, function (error) {
        status.className = "status failed";
        status.textContent = errorText(error);
      }).then(function () {
        busy(false);
      });
    }

    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", (function (action) {
        return function () {
          click(action);
        };
      })(buttons[i].getAttribute("data-action")));
    }
    busy(true);
    Office.onReady(function () {
      busy(false);
      doc.body.setAttribute("data-ready", "true");
      if (/[?&]run=export(&|$)/.test(root.location.search)) {
        click("export");
      }
    });
  }

  // --- the ribbon commands ---------------------------------------------------------------------------

  function showMessage(message, done) {
    var url = absolute("dialog.html") + "?m=" + encodeURIComponent(message);
    Office.context.ui.displayDialogAsync(url, { height: 30, width: 35, displayInIframe: true }, function (result) {
      if (result.status !== Office.AsyncResultStatus.Succeeded) {
        done();
        return;
      }
      var dialog = result.value;
      dialog.addEventHandler(Office.EventType.DialogMessageReceived, function () {
        dialog.close();
        done();
      });
      dialog.addEventHandler(Office.EventType.DialogEventReceived, function () {
        done();
      });
    });
  }

  function command(action) {
    return function (event) {
      var finished = false;
      function done() {
        if (!finished) {
          finished = true;
          event.completed();
        }
      }
      run(action).then(function (result) {
        showMessage(result.message, done);
      }, function (error) {
        showMessage(errorText(error), done);
      });
    };
  }

  function commands() {
    root.govreportValidate = command("check");
    root.govreportClear = command("clear");
    Office.onReady(function () {
      if (Office.actions && Office.actions.associate) {
        Office.actions.associate("govreportValidate", root.govreportValidate);
        Office.actions.associate("govreportClear", root.govreportClear);
      }
      doc.body.setAttribute("data-ready", "true");
    });
  }

  // --- the dialog that shows a ribbon command's one line ---------------------------------------------

  function dialog() {
    var match = /[?&]m=([^&]*)/.exec(root.location.search);
    var text = "";
    try {
      text = match ? decodeURIComponent(match[1]) : "";
    } catch (e) {
      text = "";
    }
    doc.getElementById("message").textContent = text;
    doc.getElementById("ok").addEventListener("click", function () {
      Office.context.ui.messageParent("ok");
    });
    Office.onReady(function () {
      doc.body.setAttribute("data-ready", "true");
    });
  }

  root.govreport = {
    run: run, gather: gather, applyActions: applyActions, parseReference: parseReference,
    rangeAddress: rangeAddress, characterWidthToPoints: characterWidthToPoints, config: config
  };

  var pages = { taskpane: taskpane, commands: commands, dialog: dialog };
  pages[doc.body.getAttribute("data-page")]();
})(this);
