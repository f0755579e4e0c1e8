/*
 * A stand-in for office.js in the browser tests: the `Office` and `Excel` globals over a workbook
 * model the test loads (OfficeStub.open), with Office.js' batching kept — a property may be read
 * only after load() and context.sync(), and writes take effect at sync() — so that client code
 * that would fail in Excel fails here too. Only what the add-in's client uses is here.
 */
(function (root) {
  "use strict";

  var book = { url: "", sheets: [], names: [], active: 0, excelApi: "1.12" };
  var stub = { book: book, associated: {}, dialogs: [], messages: [], syncs: 0 };

  function key(r, c) { return r + "," + c; }

  function parseCell(text) {
    var m = /^([A-Z]+)([0-9]+)$/.exec(text);
    var col = 0;
    for (var i = 0; i < m[1].length; i++) { col = col * 26 + m[1].charCodeAt(i) - 64; }
    return [parseInt(m[2], 10) - 1, col - 1];
  }

  function parseAddress(address) {
    var parts = address.split(":");
    var a = parseCell(parts[0]), b = parseCell(parts[1] || parts[0]);
    return { row: a[0], column: a[1], rows: b[0] - a[0] + 1, columns: b[1] - a[1] + 1 };
  }

  function newSheet(name, values) {
    var sheet = { name: name, cells: {}, fills: {}, widths: {} };
    (values || []).forEach(function (row, r) {
      row.forEach(function (v, c) { if (v !== null && v !== "") { sheet.cells[key(r, c)] = v; } });
    });
    return sheet;
  }

  function usedBounds(sheet) {
    var rows = 0, columns = 0;
    Object.keys(sheet.cells).forEach(function (k) {
      var rc = k.split(",").map(Number);
      rows = Math.max(rows, rc[0] + 1);
      columns = Math.max(columns, rc[1] + 1);
    });
    return rows ? { row: 0, column: 0, rows: rows, columns: columns } : { row: 0, column: 0, rows: 1, columns: 1 };
  }

  function live(sheet) {
    if (book.sheets.indexOf(sheet) < 0) { throw new Error("ItemNotFound: the worksheet is gone"); }
    return sheet;
  }

  // --- request context: a queue of operations run in order at sync() ---

  function Context() {
    this.queue = [];
    this.workbook = new Workbook(this);
  }
  Context.prototype.sync = function () {
    var queue = this.queue;
    this.queue = [];
    stub.syncs += 1;
    return new Promise(function (resolve) { setTimeout(resolve, 0); }).then(function () {
      queue.forEach(function (op) { op(); });
    });
  };

  function loadable(proxy, context, compute) {
    proxy._loaded = {};
    proxy.load = function (props) {
      // a collection's "items/name" loads its items (with what the stub knows of each)
      var names = (props || "").split(",").map(function (p) { return p.trim().replace(/^items\/.*$/, "items"); });
      context.queue.push(function () {
        var values = compute();
        names.forEach(function (n) {
          if (!(n in values)) { throw new Error("PropertyNotFound: " + n); }
          proxy._loaded[n] = values[n];
        });
      });
      return proxy;
    };
  }

  function getter(proxy, name, setter) {
    Object.defineProperty(proxy, name, {
      get: function () {
        if (!(name in proxy._loaded)) { throw new Error("PropertyNotLoaded: " + name + " was read before load() and sync()"); }
        return proxy._loaded[name];
      },
      set: setter || function () { throw new Error("InvalidOperation: " + name + " is read-only"); }
    });
  }

  function Workbook(context) {
    var proxy = this;
    loadable(this, context, function () { return { name: book.url.split(/[\\/]/).pop() }; });
    getter(this, "name");
    this.worksheets = new Worksheets(context);
    this.names = new Names(context);
  }

  function Names(context) {
    var proxy = this;
    loadable(this, context, function () {
      return {
        items: book.names.map(function (n) {
          return { name: n.name, type: n.type || "Range", value: n.value };
        })
      };
    });
    getter(this, "items");
  }

  function Worksheets(context) {
    loadable(this, context, function () {
      return { items: book.sheets.map(function (s) { var w = new Worksheet(context, s); w._loaded.name = s.name; return w; }) };
    });
    getter(this, "items");
    this.getActiveWorksheet = function () { return new Worksheet(context, book.sheets[book.active]); };
    this.add = function (name) {
      var sheet = newSheet(name, []);
      context.queue.push(function () {
        if (book.sheets.some(function (s) { return s.name === name; })) { throw new Error("ItemAlreadyExists: " + name); }
        book.sheets.push(sheet);
      });
      return new Worksheet(context, sheet);
    };
  }

  function Worksheet(context, sheet) {
    loadable(this, context, function () { return { name: sheet.name, position: book.sheets.indexOf(live(sheet)) }; });
    getter(this, "name");
    getter(this, "position", function (position) {
      context.queue.push(function () {
        book.sheets.splice(book.sheets.indexOf(live(sheet)), 1);
        book.sheets.splice(position, 0, sheet);
      });
    });
    this.getUsedRange = function () { return new Range(context, sheet, function () { return usedBounds(sheet); }); };
    this.getRange = function (address) {
      return new Range(context, sheet, function () {
        return address ? parseAddress(address) : { row: 0, column: 0, rows: 1048576, columns: 16384 };
      });
    };
    this.activate = function () { context.queue.push(function () { book.active = book.sheets.indexOf(live(sheet)); }); };
    this["delete"] = function () {
      context.queue.push(function () {
        book.sheets.splice(book.sheets.indexOf(live(sheet)), 1);
        book.active = Math.min(book.active, book.sheets.length - 1);
      });
    };
  }

  function Range(context, sheet, bounds) {
    var proxy = this;
    function each(fn) {
      var b = bounds();
      var rows = Math.min(b.rows, 2000), columns = Math.min(b.columns, 200);  // a whole sheet: what is there
      for (var r = 0; r < rows; r++) { for (var c = 0; c < columns; c++) { fn(b.row + r, b.column + c, r, c); } }
    }
    loadable(this, context, function () {
      var b = bounds(), values = [], categories = [];
      for (var r = 0; r < b.rows; r++) {
        values.push([]);
        categories.push([]);
        for (var c = 0; c < b.columns; c++) {
          var v = live(sheet).cells[key(b.row + r, b.column + c)];
          values[r].push(v === undefined ? "" : v);
          categories[r].push("General");
        }
      }
      return { values: values, numberFormatCategories: categories, rowIndex: b.row, columnIndex: b.column,
               rowCount: b.rows, columnCount: b.columns };
    });
    ["rowIndex", "columnIndex", "rowCount", "columnCount", "numberFormatCategories"].forEach(function (n) { getter(proxy, n); });
    getter(this, "values", function (values) {
      context.queue.push(function () {
        var b = bounds();
        if (values.length !== b.rows || values.some(function (row) { return row.length !== b.columns; })) {
          throw new Error("InvalidArgument: the array does not match the size of the range");
        }
        each(function (r, c, i, j) {
          var v = values[i][j];
          if (v === null) { return; }  // Office.js: null leaves a cell as it is
          if (v === "") { delete live(sheet).cells[key(r, c)]; } else { live(sheet).cells[key(r, c)] = v; }
        });
      });
    });
    var fill = {};
    Object.defineProperty(fill, "color", {
      set: function (colour) {
        if (!/^#[0-9A-Fa-f]{6}$/.test(colour)) { throw new Error("InvalidArgument: colour " + colour); }
        context.queue.push(function () { each(function (r, c) { live(sheet).fills[key(r, c)] = colour.toUpperCase(); }); });
      }
    });
    this.format = { fill: fill };
    Object.defineProperty(this.format, "columnWidth", {
      set: function (points) {
        context.queue.push(function () {
          var b = bounds();
          for (var c = 0; c < b.columns; c++) { live(sheet).widths[b.column + c] = points; }
        });
      }
    });
    this.clear = function (applyTo) {
      context.queue.push(function () {
        each(function (r, c) {
          if (applyTo !== "Formats") { delete live(sheet).cells[key(r, c)]; }
          if (applyTo !== "Contents") { delete live(sheet).fills[key(r, c)]; }
        });
      });
    };
  }

  // --- the globals ---

  function versionAtMost(a, b) {
    var x = a.split(".").map(Number), y = b.split(".").map(Number);
    return x[0] < y[0] || (x[0] === y[0] && x[1] <= y[1]);
  }

  root.Excel = {
    run: function (batch) {
      var context = new Context();
      var result;
      return Promise.resolve().then(function () { return batch(context); }).then(function (value) {
        result = value;
        return context.sync();
      }).then(function () { return result; });
    }
  };

  root.Office = {
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
    onReady: function (callback) {
      var ready = Promise.resolve({ host: "Excel", platform: "PC" });
      if (callback) { ready.then(callback); }
      return ready;
    },
    actions: { associate: function (id, fn) { stub.associated[id] = fn; } },
    context: {
      requirements: { isSetSupported: function (name, version) { return name === "ExcelApi" && versionAtMost(version || "1.1", book.excelApi); } },
      document: {},
      ui: {
        displayDialogAsync: function (url, options, callback) {
          var handlers = {};
          var dialog = {
            url: url, closed: false,
            addEventHandler: function (type, handler) { handlers[type] = handler; },
            close: function () { dialog.closed = true; },
            message: function (text) { handlers[root.Office.EventType.DialogMessageReceived]({ message: text }); }
          };
          stub.dialogs.push(dialog);
          setTimeout(function () { callback({ status: "succeeded", value: dialog }); }, 0);
        },
        messageParent: function (text) { stub.messages.push(text); }
      }
    }
  };
  Object.defineProperty(root.Office.context.document, "url", { get: function () { return book.url; } });

  // model: {url, sheets: [{name, values}], names: [{name, value, type}], active, excelApi}
  stub.open = function (model) {
    book.url = model.url;
    book.sheets = model.sheets.map(function (s) { return newSheet(s.name, s.values); });
    book.names = model.names || [];
    book.active = model.active || 0;
    book.excelApi = model.excelApi || "1.12";
  };
  // the workbook as a test reads it back: per sheet, its cells and fills by A1 address
  stub.dump = function () {
    function a1(k) {
      var rc = k.split(",").map(Number), n = rc[1] + 1, name = "";
      while (n > 0) { var m = (n - 1) % 26; name = String.fromCharCode(65 + m) + name; n = Math.floor((n - 1) / 26); }
      return name + (rc[0] + 1);
    }
    return {
      active: book.active,
      sheets: book.sheets.map(function (s) {
        var cells = {}, fills = {};
        Object.keys(s.cells).forEach(function (k) { cells[a1(k)] = s.cells[k]; });
        Object.keys(s.fills).forEach(function (k) { fills[a1(k)] = s.fills[k]; });
        return { name: s.name, cells: cells, fills: fills, widths: s.widths };
      })
    };
  };
  root.OfficeStub = stub;
})(this);
