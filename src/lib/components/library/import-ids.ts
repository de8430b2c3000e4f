/** Element id of the library's file picker (ImportPanel), so an empty state elsewhere can open it. */
export const FILE_INPUT_ID = 'library-file-input';
